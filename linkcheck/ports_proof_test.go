package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// portsProof turns TestPorts on: it cross-builds for real, a cold build
// of the standard library per port and Go version (make linkcheck-ports).
var portsProof = flag.Bool("ports-proof", false, "hold linkcheck's predictions to real cross-builds on every port (slow; also LINKCHECK_PORTS=1)")

// portsOnly narrows TestPorts to some ports and Go versions, to try its
// shape quickly; a narrowed run logs its table and neither writes nor
// checks the record.
var portsOnly = flag.String("ports-only", "", "with -ports-proof: only these ports and Go versions, space-separated (linux/arm64 go1.26.8)")

// portsRecord is TestPorts's record, shown in README.md.
const portsRecord = "testdata/ports-proof.md"

// provenPorts are the ports TestPorts builds for: the first-class ports
// and the other register-ABI ones.
func provenPorts() []string {
	return append(slices.Clone(firstClassPorts), otherRegisterABIPorts...)
}

// knownPortDisagreements are the checks of TestPorts on which linkcheck
// is known to contradict the build, by "GO PORT SUBJECT NAME", with why.
// The record lists them apart; the test fails on any other disagreement,
// and on a known one that agrees now (remove it then).
var knownPortDisagreements = map[string]string{}

// A proofCheck is one real build and the prediction held to it.
type proofCheck struct {
	subject string // lab, linker, marks or corpus
	name    string
	dir     string // where go build runs
	overlay string // a go build -overlay file, or ""
	flags   []string
	pkg     string   // what go build builds
	pattern []string // what linkcheck loads
	work    bool     // in the workspace (its go.work), not a module of its own
	problem string   // what disagrees, once run
	linked  bool
}

// A labBuild is one build check of the lab (see workshop/lab.go): the
// case's files stand in for the workspace's, through an overlay.
type labBuild struct {
	name     string
	overlay  map[string]string // workspace file -> the file standing in, "" to hide it
	pkg      string
	patterns []string
	flags    []string
}

// readLabBuilds reads the lab's build checks, in lesson order: each
// distinct set of build flags of a case's //lab:want lines (go vet's
// checks left out), with the overlay that the case's files make.
func readLabBuilds(t *testing.T, root string) []labBuild {
	t.Helper()
	order, err := os.ReadFile(filepath.Join(root, "lab", "order.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var builds []labBuild
	for _, line := range strings.Split(string(order), "\n") {
		line, _, _ = strings.Cut(line, "#")
		name := strings.TrimSpace(line)
		if name == "" {
			continue
		}
		caseDir := filepath.Join(root, "lab", name)
		overlay := map[string]string{}
		pkg := ""
		var flagSets [][]string
		err := filepath.WalkDir(caseDir, func(file string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(caseDir, file)
			overlay[filepath.Join(root, rel)] = file
			data, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			sc := bufio.NewScanner(strings.NewReader(string(data)))
			for sc.Scan() {
				verb, rest, _ := strings.Cut(sc.Text(), " ")
				words := strings.Fields(rest)
				switch verb {
				case "//lab:delete":
					overlay[filepath.Join(root, words[0])] = ""
				case "//lab:build":
					pkg = words[0]
				case "//lab:want":
					if pkg == "" {
						pkg = "./" + path.Dir(filepath.ToSlash(rel))
					}
					flags, verdict := wantFlags(words)
					if verdict != "vet-silent" && !slices.ContainsFunc(flagSets, func(f []string) bool { return slices.Equal(f, flags) }) {
						flagSets = append(flagSets, flags)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		patterns := []string{pkg}
		for file := range overlay {
			rel, _ := filepath.Rel(root, filepath.Dir(file))
			patterns = append(patterns, "./"+filepath.ToSlash(rel))
		}
		slices.Sort(patterns)
		patterns = slices.Compact(patterns)
		for _, flags := range flagSets {
			label := name
			if len(flags) > 0 {
				label += " " + strings.Join(flags, " ")
			}
			builds = append(builds, labBuild{name: label, overlay: overlay, pkg: pkg, patterns: patterns, flags: flags})
		}
	}
	if len(builds) == 0 {
		t.Fatal("no lab build checks found")
	}
	return builds
}

// wantFlags reads the words of a //lab:want line: Go versions, build
// flags, then the verdict.
func wantFlags(words []string) (flags []string, verdict string) {
	for _, w := range words {
		switch {
		case strings.HasPrefix(w, "go1."):
		case strings.HasPrefix(w, "-"):
			flags = append(flags, w)
		default:
			return flags, w
		}
	}
	return flags, ""
}

// marksSample picks the symbols of -marks that TestPorts links for real
// on a port: the ones the lab and the README speak of, and a few more
// spread over the list, each with a package that links its definition.
func marksSample(r *marksReport, importers map[string]string) []markSymbol {
	named := []string{"internal/runtime/atomic.Load", "internal/runtime/atomic.Cas", "runtime.addmoduledata", "runtime.cheaprand",
		"runtime.cmpstring", "runtime.coroswitch", "runtime.fastrand", "runtime.nanotime", "runtime.systemstack"}
	var linkable []markSymbol
	for _, s := range r.Symbols {
		if s.Package == "" || importers[s.Package] != "" {
			linkable = append(linkable, s)
		}
	}
	var sample []markSymbol
	const spread = 6
	for i, s := range linkable {
		if slices.Contains(named, s.Symbol) || i%(len(linkable)/spread+1) == 0 {
			sample = append(sample, s)
		}
	}
	return sample
}

// TestPorts holds linkcheck's predictions to real builds on every port
// linkcheck knows, under each recorded Go: the lab's build checks, every
// case of that Go's own linker test, a pull of a sample of the symbols
// -marks lists, and the program of each module of the corpus (fetched:
// see TestCorpus), each cross-built (cgo off) and compared by the rule
// of buildAgreement. It records how many checks each port ran and
// how many agreed in portsRecord (-update rewrites it), which README.md
// shows. Slow: make linkcheck-ports.
func TestPorts(t *testing.T) {
	if !*portsProof && os.Getenv("LINKCHECK_PORTS") != "1" {
		t.Skip("cross-builds every port: run with -ports-proof or LINKCHECK_PORTS=1 (make linkcheck-ports)")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(root, "go.work")
	labBuilds := readLabBuilds(t, root)
	overlayDir := t.TempDir()
	versions := recordedGo(t)
	// make matrix GO_VERSIONS=local checks one Go's column; this proof
	// and its record are of every recorded Go at once.
	if v := strings.Fields(os.Getenv("GO_VERSIONS")); len(v) > 0 && !slices.Equal(v, versions) {
		t.Skipf("GO_VERSIONS is %s: the ports proof runs only with every recorded Go (%s)", strings.Join(v, " "), strings.Join(versions, " "))
	}
	ports := provenPorts()
	if only := strings.Fields(*portsOnly); len(only) > 0 {
		keep := func(list []string) []string {
			kept := slices.DeleteFunc(slices.Clone(list), func(x string) bool { return !slices.Contains(only, x) })
			if len(kept) == 0 {
				return list
			}
			return kept
		}
		ports, versions = keep(ports), keep(versions)
	}
	// Each port's corpus programs import the packages that build there.
	corpusRoot := t.TempDir()
	for _, port := range ports {
		for i, m := range corpus {
			writeCorpusProgram(t, filepath.Join(corpusRoot, strings.ReplaceAll(port, "/", "_"), fmt.Sprint(i)), m, portEnv(append(corpusEnv(), "CGO_ENABLED=0"), port)...)
		}
	}
	type cell struct{ checks []*proofCheck }
	cells := map[string]*cell{}           // version + " " + port
	toolchains := map[string]*toolchain{} // version + port + work
	for _, version := range versions {
		host, err := newToolchain(version, append(os.Environ(), "GOWORK=off"))
		if err != nil {
			t.Fatal(err)
		}
		linkerRoot, linkerCases := writeLinkerCases(t, host.goroot)
		for _, port := range ports {
			c := &cell{}
			cells[version+" "+port] = c
			for _, inWork := range []bool{false, true} {
				gowork := "GOWORK=off"
				if inWork {
					gowork = "GOWORK=" + work
				}
				env := append(os.Environ(), gowork, "CGO_ENABLED=0")
				if !inWork {
					// A corpus program's go.sum is written as it is built.
					env = append(env, "GOFLAGS=-mod=mod")
				}
				tc, err := newToolchain(version, portEnv(env, port))
				if err != nil {
					t.Fatal(err)
				}
				tc.cacheDir = testCache
				toolchains[fmt.Sprint(version, port, inWork)] = tc
			}
			for i, b := range labBuilds {
				file := filepath.Join(overlayDir, fmt.Sprintf("lab%d.json", i))
				data, _ := json.Marshal(map[string]any{"Replace": b.overlay})
				if err := os.WriteFile(file, data, 0o666); err != nil {
					t.Fatal(err)
				}
				c.checks = append(c.checks, &proofCheck{subject: "lab", name: b.name, dir: root, overlay: file,
					flags: b.flags, pkg: b.pkg, pattern: b.patterns, work: true})
			}
			for _, lc := range linkerCases {
				pkg := "./" + strings.TrimSuffix(lc, ".go")
				c.checks = append(c.checks, &proofCheck{subject: "linker", name: lc, dir: linkerRoot, pkg: pkg, pattern: []string{pkg}})
			}
			tc := toolchains[fmt.Sprint(version, port, false)]
			r, err := scanMarks(tc)
			if err != nil {
				t.Fatal(err)
			}
			importers := stdImporters(t, tc)
			for _, s := range marksSample(r, importers) {
				dir, _ := writeMarksPulls(t, &marksReport{Symbols: []markSymbol{s}}, importers)
				c.checks = append(c.checks, &proofCheck{subject: "marks", name: s.Symbol, dir: dir, pkg: ".", pattern: []string{"."}})
			}
			for i, m := range corpus {
				dir := filepath.Join(corpusRoot, strings.ReplaceAll(port, "/", "_"), fmt.Sprint(i))
				c.checks = append(c.checks, &proofCheck{subject: "corpus", name: m.String(), dir: dir, pkg: ".", pattern: []string{"./..."}})
			}
		}
	}
	// Two at a time: each build is a process of its own, and the first
	// of each port builds the standard library.
	slots := make(chan bool, runtime.NumCPU())
	var wg sync.WaitGroup
	for _, version := range versions {
		for _, port := range ports {
			for _, check := range cells[version+" "+port].checks {
				tc := toolchains[fmt.Sprint(version, port, check.work)]
				wg.Add(1)
				go func() {
					defer wg.Done()
					slots <- true
					defer func() { <-slots }()
					check.run(tc)
				}()
			}
		}
	}
	wg.Wait()
	for _, tc := range toolchains {
		tc.writing.Wait()
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Recorded by `go test -run TestPorts -ports-proof -update` in linkcheck (`make linkcheck-ports`; `make test` checks its counts, TestPortsRecord).\n")
	b.WriteString("For each port and Go version, every build check of the lab, every case of that Go's own linker test\n")
	b.WriteString("(cmd/link/testdata/linkname), pulls of a sample of the symbols `linkcheck -marks` lists and the program\n")
	b.WriteString("of each module of the published corpus (`make linkcheck-real`) are cross-built for real (`CGO_ENABLED=0`),\n")
	b.WriteString("and linkcheck's prediction for that port is held to each build: a failure predicted exactly when the\n")
	b.WriteString("build fails, in words the go command printed.\n\n")
	b.WriteString("| Port |")
	for _, v := range versions {
		fmt.Fprintf(&b, " %s: checks (lab, linker, marks, corpus) | links, fails | agree |", v)
	}
	b.WriteString("\n|---|" + strings.Repeat("---|---|---|", len(versions)) + "\n")
	var problems, known []string
	for _, port := range ports {
		fmt.Fprintf(&b, "| %s |", port)
		for _, v := range versions {
			counts := map[string]int{}
			links, agree := 0, 0
			for _, c := range cells[v+" "+port].checks {
				counts[c.subject]++
				if c.linked {
					links++
				}
				why, isKnown := knownPortDisagreements[v+" "+port+" "+c.subject+" "+c.name]
				switch {
				case c.problem == "" && isKnown:
					agree++
					problems = append(problems, fmt.Sprintf("%s %s, %s %s: agrees now; remove it from knownPortDisagreements", v, port, c.subject, c.name))
				case c.problem == "":
					agree++
				case isKnown:
					known = append(known, fmt.Sprintf("%s %s, %s %s: %s", v, port, c.subject, c.name, why))
				default:
					problems = append(problems, fmt.Sprintf("%s %s, %s %s: %s", v, port, c.subject, c.name, c.problem))
				}
			}
			n := len(cells[v+" "+port].checks)
			fmt.Fprintf(&b, " %d (%d, %d, %d, %d) | %d, %d | %d |", n, counts["lab"], counts["linker"], counts["marks"], counts["corpus"], links, n-links, agree)
		}
		b.WriteString("\n")
	}
	if len(known) > 0 {
		b.WriteString("\nKnown disagreements (the build is right):\n\n")
		for _, k := range known {
			fmt.Fprintf(&b, "- %s\n", k)
		}
	}
	if len(problems) > 0 {
		b.WriteString("\nDisagreements:\n\n")
		for _, p := range problems {
			fmt.Fprintf(&b, "- %s\n", strings.ReplaceAll(strings.TrimSpace(p), "\n", " / "))
		}
		t.Errorf("%d predictions disagree with the build:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	if *portsOnly != "" {
		t.Logf("-ports-only %q: the record is neither written nor checked; this run:\n%s", *portsOnly, b.String())
		return
	}
	checkRecord(t, portsRecord, b.String())
}

// run builds the check for real with tc's environment and holds
// linkcheck's prediction for the same port to it.
func (c *proofCheck) run(tc *toolchain) {
	args := []string{"build"}
	if c.overlay != "" {
		args = append(args, "-overlay", c.overlay)
	}
	args = append(append(args, c.flags...), "-o", os.DevNull, c.pkg)
	cmd := exec.Command("go", args...)
	cmd.Env, cmd.Dir = tc.env, c.dir
	out, buildErr := cmd.CombinedOutput()
	c.linked = buildErr == nil
	prog, err := load(tc, c.dir, c.pattern, c.overlay)
	if err != nil {
		c.problem = "linkcheck cannot load it: " + err.Error()
		return
	}
	opts := options{checkOff: slices.Contains(c.flags, "-ldflags=-checklinkname=0")}
	var predicted []string
	for _, f := range analyze(prog, opts) {
		if f.Link == linkFails {
			predicted = append(predicted, f.Fails)
		}
	}
	c.problem = buildAgreement(predicted, c.linked, string(out))
}

// checkRecord compares a golden record under testdata with want, or
// with -update writes it.
func checkRecord(t *testing.T, file, want string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(want), 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(file)
	if err != nil || string(got) != want {
		t.Errorf("%s is not what this run found (%v): run go test -run %s -update\nthis run:\n%s", file, err, t.Name(), want)
	}
}

// README.md shows the ports record as it is.
func TestReadmePortsRecord(t *testing.T) {
	data, err := os.ReadFile(portsRecord)
	if err != nil {
		t.Fatal(err)
	}
	checkWritten(t, "TestReadmePortsRecord", string(data))
}
