package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// realProof turns on the proofs that fetch: published modules through
// the module proxy, and the other recorded Go.
var realProof = flag.Bool("real-proof", false, "hold linkcheck to real builds of published modules and of every recorded Go (network; also LINKCHECK_REAL=1)")

// needRealProof skips a proof that fetches unless it was asked for.
func needRealProof(tb testing.TB, target string) {
	tb.Helper()
	if !*realProof && os.Getenv("LINKCHECK_REAL") != "1" {
		tb.Skipf("fetches published modules and toolchains: run with -real-proof or LINKCHECK_REAL=1 (make %s)", target)
	}
}

// The corpus's records: the table TestCorpus checks (workshop/README.md
// shows it), and one whole run of linkcheck on a program of the corpus
// (README.md shows it).
const (
	corpusRecord     = "testdata/corpus.md"
	corpusTranscript = "testdata/corpus-transcript.md"
)

// A corpusModule is a published module that uses linkname heavily,
// pinned to a version. Its program imports every package of it (or of
// the module named by via, which imports it) that a program may import,
// or only the packages named by imports.
type corpusModule struct {
	path, version string
	via           string   // module@version whose packages the program imports instead
	also          []string // modules@versions it brings along, counted with it
	imports       []string // when set, the packages to import
	cgoOff        bool     // check it with CGO_ENABLED=0 too: other files build
}

func (m corpusModule) String() string { return m.path + "@" + m.version }

// corpus is the pinned corpus.
var corpus = []corpusModule{
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
// whether it is a real bug. TestCorpus fails when a finding has no
// judgment here, or a judgment no finding.
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

// corpusEnv is the environment of a corpus program: a module of its
// own, outside the workspace, whose requirements the go command may add.
func corpusEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
}

// proofVersions are the Go versions a proof runs with: $GO_VERSIONS
// (make matrix GO_VERSIONS=...), else every recorded Go.
func proofVersions(t *testing.T) []string {
	if v := strings.Fields(os.Getenv("GO_VERSIONS")); len(v) > 0 {
		return v
	}
	return recordedGo(t)
}

// A corpusCheck is one corpus module on one Go and cgo setting: what
// linkcheck predicts, and what the real build did.
type corpusCheck struct {
	m       corpusModule
	program string
	tc      *toolchain
	label   string // go1.26.8, or go1.26.8, CGO_ENABLED=0
	// Filled by run.
	findings       []finding
	directives     int
	modes, reasons string
	// The module's pulls of standard-library symbols, and those of them
	// that the Go's source does not promise to keep.
	stdPulls, incidental int
	predicted, result    string
	problem              string
	err                  error
}

// TestCorpus holds linkcheck's predictions to the linker on the corpus,
// under each Go: for each module, linkcheck checks a program that
// imports it, whole, and the program is linked for real; the two must
// agree by the rule of buildAgreement. It records a row per module and
// Go, and the signature findings with their judgments, in corpusRecord,
// and the transcript in corpusTranscript (-update rewrites both).
// make linkcheck-real; make matrix checks it.
func TestCorpus(t *testing.T) {
	needRealProof(t, "linkcheck-real")
	versions := proofVersions(t)
	root := t.TempDir()
	var checks []*corpusCheck
	inFiles := map[string]int{}
	toolchains := map[string]*toolchain{}
	for i, m := range corpus {
		program := filepath.Join(root, fmt.Sprint(i))
		writeCorpusProgram(t, program, m)
		for _, mod := range append([]string{m.String()}, m.also...) {
			inFiles[m.String()] += directivesInModule(t, mod)
		}
		settings := []string{""} // the environment's cgo setting
		if m.cgoOff {
			settings = append(settings, "0")
		}
		for _, v := range versions {
			for _, cgo := range settings {
				key := v + " " + cgo
				if toolchains[key] == nil {
					env := corpusEnv()
					if cgo != "" {
						env = append(env, "CGO_ENABLED="+cgo)
					}
					tc, err := newToolchain(v, env)
					if err != nil {
						t.Fatal(err)
					}
					tc.cacheDir = testCache
					toolchains[key] = tc
				}
				tc := toolchains[key]
				label := tc.version
				if cgo != "" {
					label += ", CGO_ENABLED=" + cgo
				}
				checks = append(checks, &corpusCheck{m: m, program: program, tc: tc, label: label})
			}
		}
	}
	forEach(checks, (*corpusCheck).run)
	for _, tc := range toolchains {
		tc.writing.Wait()
	}

	var table strings.Builder
	table.WriteString("Recorded by `go test -run TestCorpus -real-proof -update` in linkcheck (`make linkcheck-real`; `make matrix` checks it):\n" +
		"for each module, linkcheck checks a program that imports it, whole, then each Go links that program for real.\n" +
		"Incidental pulls are the module's pulls of standard-library symbols whose marks that Go's source does not promise\n" +
		"to keep (`promised` in linkcheck's JSON), out of all its pulls of standard-library symbols.\n\n")
	table.WriteString("| Module | Go | Directives compiled (in its files) | Modes | Why the linker allows them | Incidental pulls (of std pulls) | linkcheck predicts | `go build` |\n|---|---|---:|---|---|---:|---|---|\n")
	signatures := map[string][]seenVerdict{} // "module local -> target" -> what linkcheck said, on which Go
	var sigOrder []string
	for _, c := range checks {
		if c.err != nil {
			t.Fatalf("%s, %s: %v", c.m, c.label, c.err)
		}
		if c.problem != "" {
			t.Errorf("%s, %s: %s", c.m, c.label, c.problem)
		}
		fmt.Fprintf(&table, "| %s | %s | %d (%d) | %s | %s | %d (%d) | %s | %s |\n",
			c.m, c.label, c.directives, inFiles[c.m.String()], c.modes, c.reasons, c.incidental, c.stdPulls, c.predicted, c.result)
		for _, f := range c.findings {
			if !c.ours(f) || f.Signature != sigIncompatible && f.Signature != sigPrefix {
				continue
			}
			key := f.Module + " " + f.Local + " -> " + f.Target
			if signatures[key] == nil {
				sigOrder = append(sigOrder, key)
			}
			signatures[key] = addVerdict(signatures[key], describeSignature(f), c.label)
		}
	}
	table.WriteString("\nThe signatures linkcheck finds unsafe or partial, and whether each is a real bug:\n\n")
	table.WriteString("| Module | Declaration | linkcheck says | Real bug? |\n|---|---|---|---|\n")
	for _, key := range sigOrder {
		module, decl, _ := strings.Cut(key, " ")
		judgment, ok := signatureJudgments[key]
		if !ok {
			t.Errorf("no judgment for the signature finding %s: add one to signatureJudgments", key)
		}
		fmt.Fprintf(&table, "| %s | `%s` | %s | %s |\n", module, decl, byVerdict(signatures[key]), judgment)
	}
	for _, key := range slices.Sorted(maps.Keys(signatureJudgments)) {
		if signatures[key] == nil {
			t.Errorf("signatureJudgments judges %s, which linkcheck no longer finds: remove it", key)
		}
	}
	if t.Failed() {
		t.Fatalf("linkcheck and the linker disagree, or a judgment is missing: nothing recorded; this run:\n%s", table.String())
	}
	i := slices.IndexFunc(checks, func(c *corpusCheck) bool { return c.m.path == transcriptModule })
	c := checks[i]
	transcript := fmt.Sprintf("A program that imports %s, checked whole with %s:\n\n", c.m, c.label) +
		"```console\n$ linkcheck ./...\n" + report(c.tc, c.findings, true) + "```\n"
	if !slices.Equal(versions, recordedGo(t)) {
		// make matrix GO_VERSIONS=...: each row of those Go versions
		// must be on record.
		recorded, err := os.ReadFile(corpusRecord)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.SplitAfter(table.String(), "\n") {
			if cells := strings.Split(line, " | "); len(cells) > 2 && strings.HasPrefix(cells[1], "go1.") && !strings.Contains(string(recorded), line) {
				t.Errorf("%s has no row %q: run make linkcheck-real with every recorded Go", corpusRecord, strings.TrimSpace(line))
			}
		}
		return
	}
	checkRecord(t, corpusRecord, table.String())
	checkRecord(t, corpusTranscript, transcript)
}

// forEach runs do on every item, as many at once as there are CPUs:
// each is a build or a check of its own.
func forEach[T any](items []T, do func(T)) {
	slots := make(chan bool, runtime.NumCPU())
	var wg sync.WaitGroup
	for _, item := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- true
			defer func() { <-slots }()
			do(item)
		}()
	}
	wg.Wait()
}

// ours reports whether a finding is of the module's own lines (or of
// what it brings along), and compiled.
func (c *corpusCheck) ours(f finding) bool {
	return slices.Contains(append([]string{c.m.String()}, c.m.also...), f.Module) && f.Link != linkExcluded
}

// run checks the program with linkcheck, links it for real, and holds
// the one to the other.
func (c *corpusCheck) run() {
	prog, err := load(c.tc, c.program, []string{"./..."}, "")
	if err != nil {
		c.err = err
		return
	}
	c.findings = analyze(prog, options{})
	modes, reasons := map[string]int{}, map[string]int{}
	var fails []string
	for _, f := range c.findings {
		if f.Link == linkFails {
			fails = append(fails, f.Fails)
		}
		if !c.ours(f) || f.Mode == modeNone {
			continue
		}
		if f.Promised != "" {
			c.stdPulls++
		}
		if f.Promised == incidental {
			c.incidental++
		}
		c.directives++
		modes[f.Mode]++
		reason := f.Reason
		if f.By != "" {
			reason += " by " + f.By
		}
		reasons[reason]++
	}
	c.modes, c.reasons = tally(modes), tally(reasons)
	c.predicted = "links"
	if len(fails) > 0 {
		c.predicted = "fails: " + strings.Join(fails, "; ")
	}
	cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
	cmd.Env, cmd.Dir = c.tc.env, c.program
	out, buildErr := cmd.CombinedOutput()
	c.problem = buildAgreement(fails, buildErr == nil, string(out))
	switch {
	case c.problem != "" && buildErr == nil:
		c.result = "DISAGREE: links"
	case c.problem != "":
		c.result = "DISAGREE: fails with " + buildFailure(c.tc, string(out))
	case buildErr == nil:
		c.result = "links, as predicted"
	default:
		c.result = "fails, as predicted: " + buildFailure(c.tc, string(out))
	}
}

// buildFailure is the first line the go command printed about a failed
// build, past the lines that name a package, with the module cache's
// folder left out of the file names.
func buildFailure(tc *toolchain, out string) string {
	for _, line := range strings.Split(out, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			return strings.ReplaceAll(strings.TrimSpace(line), tc.modCache+string(filepath.Separator), "")
		}
	}
	return ""
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
func describeSignature(f finding) string {
	if f.Signature == sigIncompatible {
		return "incompatible, risk: " + f.Risk
	}
	return f.Signature
}

// writeCorpusProgram writes, in dir, a program that blank-imports every
// package of the module (or of m.via) that a program may import (not
// internal, not main) and that builds with env (corpusEnv when none:
// the host's).
func writeCorpusProgram(t testing.TB, dir string, m corpusModule, env ...string) {
	t.Helper()
	imported := m.String()
	if m.via != "" {
		imported = m.via
	}
	gomod := "module linkcheck.test/real\n\ngo 1.23\n\nrequire (\n"
	for _, mod := range append([]string{imported, m.String()}, m.also...) {
		path, version, _ := strings.Cut(mod, "@")
		gomod += "\t" + path + " " + version + "\n"
	}
	gomod += ")\n"
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666); err != nil {
		t.Fatal(err)
	}
	modulePath, _, _ := strings.Cut(imported, "@")
	patterns := m.imports
	if patterns == nil {
		patterns = []string{modulePath + "/..."}
	}
	cmd := exec.Command("go", append([]string{"list", "-e", "-f", "{{if and .GoFiles (not .Error)}}{{.ImportPath}} {{.Name}}{{end}}"}, patterns...)...)
	cmd.Env, cmd.Dir = corpusEnv(), dir
	if len(env) > 0 {
		cmd.Env = env
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(patterns, " "), err, out)
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
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src.String()), 0o666); err != nil {
		t.Fatal(err)
	}
}

// directivesInModule counts the //go:linkname lines in the Go files of a
// module (tests and testdata left out), whatever their build constraints.
func directivesInModule(t testing.TB, module string) int {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Env, cmd.Dir = corpusEnv(), os.TempDir()
	out, err := cmd.Output()
	var dl struct{ Dir string }
	if err == nil {
		err = json.Unmarshal(out, &dl)
	}
	if err != nil || dl.Dir == "" {
		t.Fatalf("go mod download %s: %v\n%s", module, err, out)
	}
	n := 0
	err = filepath.WalkDir(dl.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "//go:linkname ") || strings.HasPrefix(line, "//go:linknamestd ") {
				n++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
