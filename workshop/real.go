package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// realRecord is what the last make linkcheck-real found on the corpus,
// which make docs copies into workshop/README.md; realTranscript is one whole
// run of linkcheck on a program of the corpus, for linkcheck/README.md.
const (
	realRecord     = "workshop/records/linkcheck-real.md"
	realTranscript = "workshop/records/linkcheck-transcript.md"
)

// A realModule is a published module that uses linkname heavily, pinned
// to a version. The program that make linkcheck-real links imports every
// package of it (or of the module named by via, which imports it) that a
// program may import, or only the packages named by imports.
type realModule struct {
	path, version string
	via           string   // module@version whose packages the program imports instead
	also          []string // modules@versions it brings along, counted with it
	imports       []string // when set, the packages to import
	cgoOff        bool     // check it with CGO_ENABLED=0 too: other files build
}

func (m realModule) String() string { return m.path + "@" + m.version }

// realCorpus is the pinned corpus.
var realCorpus = []realModule{
	{path: "github.com/goccy/go-json", version: "v0.10.6"},
	{path: "github.com/bytedance/sonic", version: "v1.15.5", also: []string{"github.com/bytedance/sonic/loader@v0.5.3"}},
	{path: "github.com/ebitengine/purego", version: "v0.11.3", cgoOff: true},
	{path: "github.com/modern-go/reflect2", version: "v1.0.2", via: "github.com/json-iterator/go@v1.1.12"},
	{path: "github.com/bytedance/gopkg", version: "v0.1.4"},
	// Its other packages need a C library (libedit) to build.
	{path: "github.com/chenzhuoyu/iasm", version: "v0.9.1", imports: []string{"github.com/chenzhuoyu/iasm/x86_64"}},
	// Its loader declares the runtime's structures only up to Go 1.20,
	// and does not compile with later Go; the package a program imports
	// compiles without it, and its link fails.
	{path: "github.com/bytedance/sonic", version: "v1.10.2", imports: []string{"github.com/bytedance/sonic"}},
	{path: "github.com/goccy/go-json", version: "v0.9.11"},
	{path: "github.com/modern-go/reflect2", version: "v1.0.1"},
	{path: "github.com/ugorji/go/codec", version: "v1.2.12"},
	{path: "github.com/ugorji/go/codec", version: "v1.1.7"},
	{path: "github.com/dgraph-io/ristretto", version: "v0.2.0"},
	{path: "github.com/dgraph-io/ristretto/v2", version: "v2.4.2"},
	{path: "github.com/puzpuzpuz/xsync/v3", version: "v3.5.1"},
	{path: "github.com/puzpuzpuz/xsync/v4", version: "v4.5.0"},
	{path: "github.com/timandy/routine", version: "v1.1.6"},
	{path: "github.com/dolthub/swiss", version: "v0.2.1"},
}

// transcriptModule is the corpus program whose whole linkcheck run the
// transcript shows: short, and with an unsafe signature in it.
const transcriptModule = "github.com/chenzhuoyu/iasm"

// signatureJudgments says, for each signature that linkcheck finds
// unsafe or partial in the corpus ("module@version local -> target"),
// whether it is a real bug. make linkcheck-real fails when a finding has
// no judgment here, or a judgment no finding.
var signatureJudgments = map[string]string{
	"github.com/bytedance/sonic/loader@v0.5.3 growslice -> runtime.growslice":         "real bug, memory: the signature before Go 1.20; when a buffer grows, runtime reads the element type from the int it is passed",
	"github.com/chenzhuoyu/iasm@v0.9.1 growslice -> runtime.growslice":                "real bug, memory: the same pre-Go-1.20 growslice as sonic's copy of this assembler",
	"github.com/ebitengine/purego@v0.11.3 runtime_cgocall -> runtime.cgocall":         "harmless: fn is a C function's address, outside the Go heap, which the garbage collector ignores either way",
	"github.com/ebitengine/purego@v0.11.3 runtime_goarmsoftfp -> runtime.goarmsoftfp": "harmless: a zero-size stand-in that only gives purego's assembly the symbol, never read from Go",
	"github.com/bytedance/sonic@v1.15.5 RuntimeWriteBarrier -> runtime.writeBarrier":  "harmless: only its address is used, by generated code that tests the enabled byte at its start, as compiled Go does",
	"github.com/modern-go/reflect2@v1.0.1 typelinks1 -> reflect.typelinks":            "harmless here: the form of Go 1.5 and 1.6, called only when runtime.Version() names one of them; later Go takes typelinks2, which matches",
	"github.com/modern-go/reflect2@v1.0.1 mapiterinit -> reflect.mapiterinit":         "real bug, memory: since Go 1.18 the function fills an iterator passed as a third argument and returns nothing; reflect2 passes two and uses a result never written, which v1.0.2 fixes",
	"github.com/ugorji/go/codec@v1.1.7 mapiterinit -> reflect.mapiterinit":            "real bug, memory: the two-argument form of Go before 1.18; the function writes the iterator through a third argument codec never passes, and codec iterates with a result never written",
	"github.com/ugorji/go/codec@v1.1.7 mapiternext -> reflect.mapiternext":            "harmless: the result it declares, which the function never returns, is never read; the only call discards it",
	"github.com/ugorji/go/codec@v1.2.12 mapiternext -> runtime.mapiternext":           "harmless: the result it declares, which the function never returns, is never read; the only call discards it",
	"github.com/puzpuzpuz/xsync/v3@v3.5.1 runtime_typehash -> runtime.typehash":       "harmless in practice: the type word of an interface value, passed as an integer; a compiled type is static data the collector never frees, so only a type built at run time by reflect and held by nothing else could go during the call",

	// Found through the pointers they pass (a field-by-field comparison).
	"github.com/bytedance/sonic@v1.15.5 Mapiterinit -> runtime.mapiterinit":                 sonicMapType,
	"github.com/bytedance/sonic@v1.15.5 Mapassign -> runtime.mapassign":                     sonicMapType,
	"github.com/bytedance/sonic@v1.15.5 Mapassign_fast32 -> runtime.mapassign_fast32":       sonicMapType,
	"github.com/bytedance/sonic@v1.15.5 Mapassign_fast64 -> runtime.mapassign_fast64":       sonicMapType,
	"github.com/bytedance/sonic@v1.15.5 Mapassign_faststr -> runtime.mapassign_faststr":     sonicMapType,
	"github.com/bytedance/sonic@v1.15.5 Mapassign_fast64ptr -> runtime.mapassign_fast64ptr": sonicMapType,
}

// sonicMapType judges the pulls that pass sonic's GoMapType, whose
// fields past Hasher are the map type of Go before 1.24.
const sonicMapType = "harmless: past Hasher the struct is the map type of Go before 1.24 (KeySize, ElemSize, BucketSize, Flags where Go keeps GroupSize); sonic never reads those fields, only the type's header and Key and Elem, which agree; they read wrong when read (linkcheck's TestSonicMapType)"

// A realFinding is what workshop reads of linkcheck -json: the fields
// that linkcheck/README.md documents, never its prose.
type realFinding struct {
	Local     string `json:"local"`
	Target    string `json:"target"`
	Mode      string `json:"mode"`
	Module    string `json:"module"`
	Link      string `json:"link"`
	Reason    string `json:"reason"`
	By        string `json:"by"`
	Signature string `json:"signature"`
	Risk      string `json:"signature_risk"`
	Fails     string `json:"build_fails"`
	Promised  string `json:"promised"`
}

// linkcheckReal holds linkcheck's predictions against the linker on the
// corpus, under each Go in $GO_VERSIONS: for each module, it runs
// bin/linkcheck ./... in the module of a program that imports it, then
// links that program, and fails unless the build did what linkcheck
// predicted. It records a table per module and the signature findings
// with their judgments; with -check it records nothing and fails if the
// records say otherwise.
func linkcheckReal(args []string) bool {
	check := len(args) == 1 && args[0] == "-check"
	if len(args) > 0 && !check {
		fatalf("usage: workshop linkcheck-real [-check]")
	}
	// The go command rebuilds bin/linkcheck only when its sources changed.
	if out, err := exec.Command("go", "build", "-o", "bin/", "./linkcheck").CombinedOutput(); err != nil {
		fmt.Printf("go build -o bin/ ./linkcheck: %v\n%s", err, out)
		return false
	}
	linkcheck := absPath(filepath.Join("bin", "linkcheck"+exeSuffix()))
	// The modules and the programs are outside this workspace;
	// linkcheck's cache goes to bin/, as in make test.
	env := linkcheckEnv(append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod"))

	var table, transcript strings.Builder
	table.WriteString("| Module | Go | Directives compiled (in its files) | Modes | Why the linker allows them | Incidental pulls (of std pulls) | linkcheck predicts | `go build` |\n|---|---|---:|---|---|---:|---|---|\n")
	signatures := map[string][]seenVerdict{} // "module local -> target" -> what linkcheck said, on which Go
	var sigOrder []string
	agreed := true
	for _, m := range realCorpus {
		program, err := writeRealProgram(env, m)
		if err != nil {
			fmt.Println(err)
			return false
		}
		inFiles := 0
		for _, mod := range append([]string{m.String()}, m.also...) {
			inFiles += directivesInModule(env, mod)
		}
		settings := []string{""} // the environment's cgo setting
		if m.cgoOff {
			settings = append(settings, "0")
		}
		for _, v := range goVersions() {
			for _, cgo := range settings {
				venv := append(slices.Clone(env), "GOTOOLCHAIN="+v)
				goVersion, err := runIn(venv, "", "go", "env", "GOVERSION")
				if err != nil {
					fmt.Printf("GOTOOLCHAIN=%s: %v %s\n", v, err, goVersion)
					return false
				}
				version := strings.TrimSpace(string(goVersion))
				if cgo != "" {
					venv = append(venv, "CGO_ENABLED="+cgo)
					version += ", CGO_ENABLED=" + cgo
				}
				r, err := predictAndLink(venv, linkcheck, program, m)
				if err != nil {
					fmt.Printf("%s, %s: %v\n", m, version, err)
					return false
				}
				agreed = agreed && r.agree
				fmt.Fprintf(&table, "| %s | %s | %d (%d) | %s | %s | %d (%d) | %s | %s |\n",
					m, version, r.directives, inFiles, r.modes, r.reasons, r.incidental, r.stdPulls, r.predicted, r.result)
				for _, f := range r.signatures {
					key := f.Module + " " + f.Local + " -> " + f.Target
					if signatures[key] == nil {
						sigOrder = append(sigOrder, key)
					}
					signatures[key] = addVerdict(signatures[key], describeSignature(f), version)
				}
				if m.path == transcriptModule && transcript.Len() == 0 {
					text, _ := runIn(venv, program, linkcheck, "./...")
					transcript.WriteString(fmt.Sprintf("A program that imports %s, checked whole with %s:\n\n", m, version))
					transcript.WriteString(fence("console", "$ linkcheck ./...\n"+string(text)))
				}
			}
		}
	}
	table.WriteString("\nThe signatures linkcheck finds unsafe or partial, and whether each is a real bug:\n\n")
	table.WriteString("| Module | Declaration | linkcheck says | Real bug? |\n|---|---|---|---|\n")
	judged := true
	for _, key := range sigOrder {
		module, decl, _ := strings.Cut(key, " ")
		judgment, ok := signatureJudgments[key]
		if !ok {
			fmt.Printf("no judgment for the signature finding %s: add one to signatureJudgments\n", key)
			judged = false
		}
		fmt.Fprintf(&table, "| %s | `%s` | %s | %s |\n", module, decl, byVerdict(signatures[key]), judgment)
	}
	for _, key := range slices.Sorted(maps.Keys(signatureJudgments)) {
		if signatures[key] == nil {
			fmt.Printf("signatureJudgments judges %s, which linkcheck no longer finds: remove it\n", key)
			judged = false
		}
	}
	record := "Recorded by `make linkcheck-real`: for each module, `linkcheck ./...` runs in the module of a\n" +
		"program that imports it, then each Go links that program for real. Incidental pulls are the module's\n" +
		"pulls of standard-library symbols whose marks that Go's source does not promise to keep (`promised`\n" +
		"in linkcheck's JSON), out of all its pulls of standard-library symbols.\n\n" + table.String()
	fmt.Print(record)
	if !agreed || !judged {
		fmt.Println("\nlinkcheck and the linker disagree, or a judgment is missing (see above): nothing recorded")
		return false
	}
	if check && !slices.Equal(goVersions(), recordedGo) {
		fmt.Printf("\nlinkcheck-real -check: GO_VERSIONS is %s, so only the record's rows of those are checked\n", strings.Join(goVersions(), " "))
	}
	files := map[string]string{realRecord: record, realTranscript: transcript.String()}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if check {
			if recorded, err := os.ReadFile(name); err != nil || !recordHolds(string(recorded), files[name]) {
				fmt.Printf("\n%s says otherwise: run make linkcheck-real, then make docs\n", name)
				return false
			}
			continue
		}
		if err := os.WriteFile(name, []byte(files[name]), 0o666); err != nil {
			fatalf("%v", err)
		}
		fmt.Printf("\nrecorded in %s; make docs puts it in workshop/README.md and linkcheck/README.md\n", name)
	}
	return true
}

// recordHolds reports whether a record says what this run found. A run
// of every Go on record must write it again to the letter; a run of some
// of them (make matrix GO_VERSIONS=...) must find each of its rows there.
func recordHolds(recorded, found string) bool {
	if slices.Equal(goVersions(), recordedGo) {
		return recorded == found
	}
	for _, line := range strings.SplitAfter(found, "\n") {
		// A row of one module on one Go: its second cell names the Go.
		if cells := strings.Split(line, " | "); len(cells) > 2 && strings.HasPrefix(cells[1], "go1.") && !strings.Contains(recorded, line) {
			return false
		}
	}
	return true
}

// A seenVerdict is what linkcheck said of a signature, and with which
// Go versions and settings.
type seenVerdict struct {
	verdict  string
	versions []string
}

func addVerdict(seen []seenVerdict, verdict, version string) []seenVerdict {
	for i := range seen {
		if seen[i].verdict == verdict {
			seen[i].versions = append(seen[i].versions, version)
			return seen
		}
	}
	return append(seen, seenVerdict{verdict, []string{version}})
}

// byVerdict lays out what was seen: "incompatible, risk: gc (go1.26.8;
// go1.27.3)".
func byVerdict(seen []seenVerdict) string {
	var parts []string
	for _, s := range seen {
		parts = append(parts, s.verdict+" ("+strings.Join(s.versions, "; ")+")")
	}
	return strings.Join(parts, "<br>")
}

// describeSignature says what linkcheck found of a signature, from its
// codes.
func describeSignature(f realFinding) string {
	if f.Signature == "incompatible" {
		return "incompatible, risk: " + f.Risk
	}
	return f.Signature
}

// writeRealProgram writes, in bin/real/<module@version, slashes as _>, a program
// that blank-imports every package of the module (or of m.via) that a
// program may import (not internal, not main), and returns its folder.
func writeRealProgram(env []string, m realModule) (string, error) {
	imported := m.String()
	if m.via != "" {
		imported = m.via
	}
	dir := absPath(filepath.Join("bin", "real", strings.ReplaceAll(m.String(), "/", "_")))
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	gomod := "module linkcheck.test/real\n\ngo 1.23\n\nrequire (\n"
	for _, mod := range append([]string{imported, m.String()}, m.also...) {
		path, version, _ := strings.Cut(mod, "@")
		gomod += "\t" + path + " " + version + "\n"
	}
	gomod += ")\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666); err != nil {
		return "", err
	}
	modulePath, _, _ := strings.Cut(imported, "@")
	patterns := m.imports
	if patterns == nil {
		patterns = []string{modulePath + "/..."}
	}
	out, err := runIn(env, dir, "go", append([]string{"list", "-e", "-f", "{{if and .GoFiles (not .Error)}}{{.ImportPath}} {{.Name}}{{end}}"}, patterns...)...)
	if err != nil {
		return "", fmt.Errorf("go list %s/...: %v\n%s", modulePath, err, out)
	}
	var src strings.Builder
	src.WriteString("// Command real links in every package of " + imported + " that a program may import.\npackage main\n\nimport (\n")
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, name, _ := strings.Cut(line, " ")
		if path != "" && name != "main" && !slices.Contains(strings.Split(path, "/"), "internal") {
			fmt.Fprintf(&src, "\t_ %q\n", path)
		}
	}
	src.WriteString(")\n\nfunc main() {}\n")
	return dir, os.WriteFile(filepath.Join(dir, "main.go"), []byte(src.String()), 0o666)
}

// directivesInModule counts the //go:linkname lines in the Go files of a
// module (tests and testdata left out), whatever their build constraints.
func directivesInModule(env []string, module string) int {
	var dl struct{ Dir string }
	out, _ := runIn(env, "", "go", "mod", "download", "-json", module)
	if json.Unmarshal(out, &dl); dl.Dir == "" {
		return 0
	}
	n := 0
	filepath.WalkDir(dl.Dir, func(path string, d fs.DirEntry, err error) error {
		if d != nil && d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if err != nil || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, _ := os.ReadFile(path)
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "//go:linkname ") || strings.HasPrefix(line, "//go:linknamestd ") {
				n++
			}
		}
		return nil
	})
	return n
}

// realResult is one module's row for one Go.
type realResult struct {
	directives     int
	modes, reasons string
	// The module's pulls of standard-library symbols, and those of them
	// that the Go's source does not promise to keep.
	stdPulls, incidental int
	predicted, result    string
	agree                bool
	signatures           []realFinding
}

// predictAndLink runs linkcheck -json ./... in the program's module, then
// builds the program, with the Go that env selects, and compares.
func predictAndLink(env []string, linkcheck, program string, m realModule) (realResult, error) {
	var r realResult
	out, err := runIn(env, program, linkcheck, "-json", "./...")
	var findings []realFinding
	if jerr := json.Unmarshal(out, &findings); jerr != nil {
		return r, fmt.Errorf("linkcheck: %v %s", err, out)
	}
	ours := append([]string{m.String()}, m.also...)
	modes, reasons := map[string]int{}, map[string]int{}
	var fails []string
	for _, f := range findings {
		if f.Link == "fails" {
			fails = append(fails, f.Fails)
		}
		if !slices.Contains(ours, f.Module) || f.Link == "excluded" {
			continue
		}
		if f.Signature == "incompatible" || f.Signature == "prefix" {
			r.signatures = append(r.signatures, f)
		}
		if f.Mode == "no directive" {
			continue
		}
		if f.Promised != "" {
			r.stdPulls++
		}
		if f.Promised == "incidental" {
			r.incidental++
		}
		r.directives++
		modes[f.Mode]++
		reason := f.Reason
		if f.By != "" {
			reason += " by " + f.By
		}
		reasons[reason]++
	}
	r.modes, r.reasons = tally(modes), tally(reasons)
	r.predicted = "links"
	if len(fails) > 0 {
		r.predicted = "fails: " + strings.Join(fails, "; ")
	}
	_, buildErr := runIn(env, program, "go", "build", "-o", "real"+exeSuffix(), ".")
	switch {
	case buildErr == nil && len(fails) == 0:
		r.result, r.agree = "links, as predicted", true
	case buildErr == nil:
		r.result = "DISAGREE: links"
	case slices.ContainsFunc(fails, func(p string) bool { return strings.Contains(buildErr.Error(), p) }):
		r.result, r.agree = "fails, as predicted: "+buildFailure(env, buildErr), true
	default:
		r.result = "DISAGREE: fails with " + buildFailure(env, buildErr)
	}
	return r, nil
}

// buildFailure is the first line the go command printed about a failed
// build, past the lines that name a package, with the module cache's
// folder left out of the file names.
func buildFailure(env []string, err error) string {
	_, printed, _ := strings.Cut(err.Error(), ": ") // runIn puts the exit status before it
	line := firstLine(printed)
	if modCache, err := runIn(env, "", "go", "env", "GOMODCACHE"); err == nil && len(bytes.TrimSpace(modCache)) > 0 {
		line = strings.ReplaceAll(line, string(bytes.TrimSpace(modCache))+string(filepath.Separator), "")
	}
	return line
}

// tally lays out counts as "36 handshake, 10 pull", largest first.
func tally(counts map[string]int) string {
	keys := slices.Sorted(maps.Keys(counts))
	slices.SortStableFunc(keys, func(a, b string) int { return counts[b] - counts[a] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	return strings.Join(parts, ", ")
}

// command runs name in dir with env and returns its standard output; an
// error carries what it printed on standard error.
func runIn(env []string, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Dir = env, dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		err = fmt.Errorf("%v: %s", err, stderr.Bytes())
	}
	return out, err
}

func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
