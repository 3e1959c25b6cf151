package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The records of workshop upgrade-proof: the proof, and the transcripts;
// linkcheck/README.md shows both.
const (
	upgradeProofRecord      = "workshop/records/upgrade-proof.md"
	upgradeTranscriptRecord = "workshop/records/upgrade-transcript.md"
)

// transcriptLabCase is the lab case overlaid on the workspace for
// linkcheck/README.md's -upgrade transcript: the workspace alone has nothing that
// changes.
const transcriptLabCase = "internal-atomic-load"

// A proofSubject is one thing linkcheck is asked about: a lab build
// check, a case of Go's own linker test, or a corpus program.
type proofSubject struct {
	group, name string
	dir         string   // where linkcheck runs ("" for the workspace root)
	env         []string // added to the environment
	args        []string // linkcheck's arguments, without -json, -go and -upgrade
	// For a lab check: the case, the check, and the label agree.go uses.
	lab   *labCase
	check labCheck
	label string
}

// A linkcheckRun is one run of bin/linkcheck: what it printed and its
// exit status.
type linkcheckRun struct {
	out    string
	status int
}

// upgradeProof holds linkcheck -go and -upgrade against the toolchains
// themselves. With the first two Go versions of $GO_VERSIONS, FROM and
// TO, for every lab build check, every case of each version's own linker
// test and every corpus program, the same bin/linkcheck (built by the
// Go that runs make) must print the same JSON, byte for byte, with -go
// TO under GOTOOLCHAIN=FROM as under GOTOOLCHAIN=TO, and with -go FROM
// under GOTOOLCHAIN=TO as under GOTOOLCHAIN=FROM. Then linkcheck
// -upgrade TO, run under FROM, must report exactly the lab checks whose
// records differ between the two versions, with the linker's own words
// of each record. It records both, and linkcheck/README.md's transcripts; with
// -check it records nothing and fails if a record says otherwise.
func upgradeProof(args []string) bool {
	check := slices.Equal(args, []string{"-check"})
	if len(args) > 0 && !check {
		fatalf("usage: workshop upgrade-proof [-check]")
	}
	versions := goVersions()
	if len(versions) < 2 {
		fmt.Printf("upgrade-proof: skipped, it compares two Go versions and GO_VERSIONS names one (%s)\n", strings.Join(versions, " "))
		return true
	}
	from, to := versions[0], versions[1]
	if out, err := exec.Command("go", "build", "-o", "bin/", "./linkcheck").CombinedOutput(); err != nil {
		fmt.Printf("go build -o bin/ ./linkcheck: %v\n%s", err, out)
		return false
	}
	linkcheck := absPath(filepath.Join("bin", "linkcheck"+exeSuffix()))
	env := linkcheckEnv(os.Environ())
	subjects, err := proofSubjects(env, from, to)
	if err != nil {
		fmt.Println(err)
		return false
	}

	// Four runs per subject, two at a time.
	type fourRuns struct{ goTo, envTo, goFrom, envFrom linkcheckRun }
	runs := make([]fourRuns, len(subjects))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, s := range subjects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			under := func(version string, extra ...string) linkcheckRun {
				senv := append(append(slices.Clone(env), s.env...), "GOTOOLCHAIN="+version)
				return runLinkcheck(senv, s.dir, linkcheck, append(append([]string{"-json"}, extra...), s.args...))
			}
			runs[i] = fourRuns{under(from, "-go", to), under(to), under(to, "-go", from), under(from)}
		}()
	}
	wg.Wait()

	var proof strings.Builder
	fmt.Fprintf(&proof, "Recorded by `bin/workshop upgrade-proof` (`make matrix` checks it). One `bin/linkcheck`, built by\n"+
		"the Go that runs make, is asked each question four times: `-go %[2]s` under `GOTOOLCHAIN=%[1]s` against\n"+
		"plain `GOTOOLCHAIN=%[2]s`, and `-go %[1]s` under `GOTOOLCHAIN=%[2]s` against plain `GOTOOLCHAIN=%[1]s`.\n"+
		"`same` means the same JSON to the byte and the same exit status.\n", from, to)
	agreed := true
	group := ""
	for i, s := range subjects {
		if s.group != group {
			group = s.group
			fmt.Fprintf(&proof, "\n%s:\n\n| Subject | -go %s = %s | -go %s = %s |\n|---|---|---|\n", group, to, to, from, from)
		}
		r := runs[i]
		up, down := sameRun(r.goTo, r.envTo), sameRun(r.goFrom, r.envFrom)
		agreed = agreed && up != "" && down != ""
		fmt.Fprintf(&proof, "| %s | %s | %s |\n", s.name, cmpOrDiffers(up), cmpOrDiffers(down))
		if up == "" || down == "" {
			fmt.Printf("DIFFERS %s %s:\n-go %s: %s\nGOTOOLCHAIN=%s: %s\n-go %s: %s\nGOTOOLCHAIN=%s: %s\n",
				s.group, s.name, to, r.goTo.out, to, r.envTo.out, from, r.goFrom.out, from, r.envFrom.out)
		}
	}

	table, upgradeOK := upgradeAgainstLab(env, linkcheck, subjects, from, to)
	proof.WriteString(table)
	transcript, err := upgradeTranscripts(env, linkcheck, subjects, from, to)
	if err != nil {
		fmt.Println(err)
		return false
	}
	fmt.Print(proof.String())
	if !agreed || !upgradeOK {
		fmt.Println("\nlinkcheck contradicts itself across the toolchains, or -upgrade the lab (see above): nothing recorded")
		return false
	}
	files := map[string]string{upgradeProofRecord: proof.String(), upgradeTranscriptRecord: transcript}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if check {
			if recorded, err := os.ReadFile(name); err != nil || string(recorded) != files[name] {
				fmt.Printf("\n%s says otherwise: run bin/workshop upgrade-proof, then make docs\n", name)
				return false
			}
			continue
		}
		if err := os.WriteFile(name, []byte(files[name]), 0o666); err != nil {
			fatalf("%v", err)
		}
		fmt.Printf("\nrecorded in %s; make docs puts it in the READMEs\n", name)
	}
	return true
}

// sameRun describes two runs that agree ("same: exit 1, 3 findings"),
// or returns "" when they differ.
func sameRun(a, b linkcheckRun) string {
	if a != b {
		return ""
	}
	var findings []json.RawMessage
	if err := json.Unmarshal([]byte(a.out), &findings); err != nil {
		return ""
	}
	noun := "findings"
	if len(findings) == 1 {
		noun = "finding"
	}
	return fmt.Sprintf("same: exit %d, %d %s", a.status, len(findings), noun)
}

func cmpOrDiffers(s string) string {
	if s == "" {
		return "DIFFERS"
	}
	return s
}

// runLinkcheck runs bin/linkcheck; an exit status of 1 is an answer too.
func runLinkcheck(env []string, dir, linkcheck string, args []string) linkcheckRun {
	cmd := exec.Command(linkcheck, args...)
	cmd.Env, cmd.Dir = env, dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	status := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		status = exit.ExitCode()
	} else if err != nil {
		status = -1
	}
	if status > 1 || status < 0 {
		return linkcheckRun{out: string(out) + stderr.String(), status: status}
	}
	return linkcheckRun{out: string(out), status: status}
}

// proofSubjects lists what upgrade-proof asks linkcheck about: every lab
// build check, every case of each version's linker test, every corpus
// program.
func proofSubjects(env []string, versions ...string) ([]proofSubject, error) {
	var subjects []proofSubject
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		overlay, err := c.writeOverlay("bin")
		if err != nil {
			return nil, err
		}
		for _, check := range c.checks {
			r := labResult{c: c, check: check, overlay: overlay}
			if slices.ContainsFunc(slices.Collect(maps.Values(check.want)), func(v verdict) bool { return v.kind == "vet-silent" }) {
				continue
			}
			args, err := linkcheckArgs(r)
			if err != nil {
				return nil, err
			}
			subjects = append(subjects, proofSubject{group: "The lab's build checks", name: "`" + r.label() + "`",
				args: slices.DeleteFunc(args, func(a string) bool { return a == "-json" }), lab: c, check: check, label: r.label()})
		}
	}
	for _, v := range versions {
		linkerCases, err := goLinkerCases(env, v)
		if err != nil {
			return nil, err
		}
		subjects = append(subjects, linkerCases...)
	}
	realEnv := append(slices.Clone(env), "GOWORK=off", "GOFLAGS=-mod=mod")
	for _, m := range realCorpus {
		program, err := writeRealProgram(realEnv, m)
		if err != nil {
			return nil, err
		}
		settings := []string{""}
		if m.cgoOff {
			settings = append(settings, "0")
		}
		for _, cgo := range settings {
			s := proofSubject{group: "The published corpus (`make linkcheck-real`)", name: m.String(), dir: program,
				env: []string{"GOWORK=off", "GOFLAGS=-mod=mod"}, args: []string{"./..."}}
			if cgo != "" {
				s.name += ", CGO_ENABLED=" + cgo
				s.env = append(s.env, "CGO_ENABLED="+cgo)
			}
			subjects = append(subjects, s)
		}
	}
	return subjects, nil
}

// goLinkerCases writes, in bin/upgrade-proof/VERSION, one module with every
// case of that version's TestCheckLinkname (cmd/link/link_test.go, its
// sources in cmd/link/testdata/linkname), each in a folder, beside the
// helper package p, and returns a subject per case.
func goLinkerCases(env []string, version string) ([]proofSubject, error) {
	out, err := runIn(append(slices.Clone(env), "GOTOOLCHAIN="+version, "GOWORK=off"), os.TempDir(), "go", "env", "GOROOT")
	if err != nil {
		return nil, err
	}
	linkDir := filepath.Join(strings.TrimSpace(string(out)), "src", "cmd", "link")
	cases, err := checkLinknameCases(filepath.Join(linkDir, "link_test.go"))
	if err != nil || len(cases) == 0 {
		return nil, fmt.Errorf("%s: no cases in TestCheckLinkname: %v", version, err)
	}
	const modulePath = "linkname.test"
	root := absPath(filepath.Join("bin", "upgrade-proof", version))
	os.RemoveAll(root)
	testdata := filepath.Join(linkDir, "testdata", "linkname")
	copyFile := func(from, to string) error {
		data, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		data = []byte(strings.ReplaceAll(string(data), "cmd/link/testdata/linkname", modulePath))
		if err := os.MkdirAll(filepath.Dir(to), 0o777); err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o666)
	}
	files := map[string]string{filepath.Join(testdata, "p", "p.go"): filepath.Join(root, "p", "p.go")}
	var subjects []proofSubject
	for _, c := range cases {
		folder := strings.TrimSuffix(c, ".go")
		if strings.HasSuffix(c, ".go") {
			files[filepath.Join(testdata, c)] = filepath.Join(root, folder, "main.go")
		} else {
			entries, err := os.ReadDir(filepath.Join(testdata, c))
			if err != nil {
				return nil, err
			}
			for _, e := range entries {
				files[filepath.Join(testdata, c, e.Name())] = filepath.Join(root, folder, e.Name())
			}
		}
		subjects = append(subjects, proofSubject{group: "Go's own linker test (TestCheckLinkname), " + version + "'s cases", name: c,
			dir: root, env: []string{"GOWORK=off"}, args: []string{"./" + folder}})
	}
	for from, to := range files {
		if err := copyFile(from, to); err != nil {
			return nil, err
		}
	}
	gomod := "module " + modulePath + "\n\ngo 1.23\n"
	return subjects, os.WriteFile(filepath.Join(root, "go.mod"), []byte(gomod), 0o666)
}

// checkLinknameCases reads the sources that TestCheckLinkname builds: the
// first, string, field of each element of its table.
func checkLinknameCases(file string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		return nil, err
	}
	var cases []string
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "TestCheckLinkname" {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || len(lit.Elts) != 2 {
				return true
			}
			if src, ok := lit.Elts[0].(*ast.BasicLit); ok && src.Kind == token.STRING {
				name, _ := strconv.Unquote(src.Value)
				cases = append(cases, name)
			}
			return true
		})
	}
	return cases, nil
}

// The fields of linkcheck -upgrade -json that the proof reads.
type upgradeReport struct {
	Breaks  bool
	Modules []struct {
		Module  string
		Changes []struct {
			Kinds         []string
			Pos           string
			Before, After *struct {
				Link, Reason string
				BuildFails   string `json:"build_fails"`
			}
		}
	}
}

// upgradeAgainstLab runs linkcheck -upgrade TO under FROM on every lab
// build check, and holds what it reports against the lab's records:
// a check is reported exactly when its records for the two versions
// differ (the verdict, or the why of a check without flags), and then
// with the change the records show, in the linker's own words.
func upgradeAgainstLab(env []string, linkcheck string, subjects []proofSubject, from, to string) (string, bool) {
	fromMinor, toMinor := minorVersion(from), minorVersion(to)
	var b strings.Builder
	fmt.Fprintf(&b, "\n`linkcheck -upgrade %s` under %s on each lab build check, against the lab's records:\n\n", to, from)
	fmt.Fprintf(&b, "| Lab check | %s record | %s record | Expected | -upgrade reports | Reason codes |\n|---|---|---|---|---|---|\n", fromMinor, toMinor)
	ok := true
	for _, s := range subjects {
		if s.lab == nil {
			continue
		}
		wantFrom, wantTo := s.check.want[fromMinor], s.check.want[toMinor]
		expected := expectedChange(wantFrom, wantTo)
		if expected == "" && len(s.check.flags) == 0 && s.lab.whyBy[fromMinor] != s.lab.whyBy[toMinor] {
			expected = "reason_changed"
		}
		run := runLinkcheck(append(slices.Clone(env), "GOTOOLCHAIN="+from), "", linkcheck, append([]string{"-json", "-upgrade", to}, s.args...))
		var r upgradeReport
		if err := json.Unmarshal([]byte(run.out), &r); err != nil {
			fmt.Printf("ERROR %s: linkcheck -upgrade: %v\n%s\n", s.label, err, run.out)
			ok = false
			continue
		}
		var reported, reasons []string
		var problem string
		for _, m := range r.Modules {
			for _, c := range m.Changes {
				reported = append(reported, strings.Join(c.Kinds, "+"))
				if c.Before != nil && c.After != nil {
					reasons = append(reasons, c.Before.Reason+" -> "+c.After.Reason)
				}
				problem = cmpString(problem, wordsProblem(c.Before, wantFrom, from), wordsProblem(c.After, wantTo, to))
			}
		}
		got := strings.Join(reported, ", ")
		switch {
		case got != expected:
			problem = fmt.Sprintf("-upgrade reports %q, the records say %q", got, expected)
		case run.status != boolStatus(r.Breaks) || r.Breaks != (expected == "stops_linking"):
			problem = fmt.Sprintf("exit status %d, breaks %v", run.status, r.Breaks)
		}
		known, isKnown := knownDisagreements[s.label+" on "+toMinor]
		verdictCell := "agrees"
		switch {
		case problem != "" && isKnown:
			verdictCell = "known: " + known
			fmt.Printf("KNOWN     %s: %s (%s)\n", s.label, problem, known)
		case problem != "":
			fmt.Printf("DISAGREE  %s: %s\n", s.label, problem)
			ok = false
			verdictCell = "DISAGREES"
		}
		if expected == "" && got == "" {
			continue // unchanged: listed in the count below
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s (%s) | %s |\n", s.label, cell(wantFrom.String()), cell(wantTo.String()),
			orNothing(expected), orNothing(got), verdictCell, strings.Join(reasons, ", "))
	}
	unchanged := 0
	for _, s := range subjects {
		if s.lab != nil && s.check.want[fromMinor] == s.check.want[toMinor] && (len(s.check.flags) > 0 || s.lab.whyBy[fromMinor] == s.lab.whyBy[toMinor]) {
			unchanged++
		}
	}
	fmt.Fprintf(&b, "\nThe other %d lab build checks have the same records on both versions, and -upgrade reports nothing for them.\n", unchanged)
	return b.String(), ok
}

// expectedChange is the kind of change that two records of a lab check
// show, or "" when they agree.
func expectedChange(before, after verdict) string {
	links := func(v verdict) bool { return v.kind == "runs" || v.kind == "builds" }
	switch {
	case before == after:
		return ""
	case links(before) && !links(after):
		return "stops_linking"
	case !links(before) && links(after):
		return "starts_linking"
	case !links(before) && !links(after):
		return "reason_changed"
	}
	return ""
}

// wordsProblem checks that a predicted failure says what the record says
// the toolchain printed.
func wordsProblem(f *struct {
	Link, Reason string
	BuildFails   string `json:"build_fails"`
}, want verdict, version string) string {
	switch {
	case f == nil || want.kind != "fails" && f.Link != "fails":
		return ""
	case want.kind != "fails":
		return fmt.Sprintf("%s: predicts %q, the record says %s", version, f.BuildFails, want)
	case f.BuildFails != want.text:
		return fmt.Sprintf("%s: predicts %q, the record says %q", version, f.BuildFails, want.text)
	}
	return ""
}

func cmpString(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func boolStatus(b bool) int {
	if b {
		return 1
	}
	return 0
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// upgradeTranscripts runs linkcheck -upgrade TO under FROM on the
// workspace with transcriptLabCase overlaid, and on each corpus program,
// and writes what linkcheck/README.md shows: the first in full, the corpus as one
// line each, or in full where something changes.
func upgradeTranscripts(env []string, linkcheck string, subjects []proofSubject, from, to string) (string, error) {
	var b strings.Builder
	i := slices.IndexFunc(subjects, func(s proofSubject) bool { return s.lab != nil && s.lab.name == transcriptLabCase })
	if i < 0 {
		return "", fmt.Errorf("no lab case %s", transcriptLabCase)
	}
	s := subjects[i]
	run := runLinkcheck(append(slices.Clone(env), "GOTOOLCHAIN="+from), "", linkcheck, append([]string{"-upgrade", to}, s.args...))
	fmt.Fprintf(&b, "The workspace with the lab case `%s` overlaid (`make lab` writes its overlay), with %s:\n\n", transcriptLabCase, from)
	b.WriteString(fence("console", "$ linkcheck -upgrade "+to+" "+strings.Join(s.args, " ")+"\n"+run.out))
	fmt.Fprintf(&b, "\nEach published module of the corpus (`make linkcheck-real`), in the module of a program that imports it:\n\n")
	var lines strings.Builder
	var changed []string
	for _, s := range subjects {
		if s.lab != nil || s.args[0] != "./..." {
			continue
		}
		senv := append(append(slices.Clone(env), s.env...), "GOTOOLCHAIN="+from)
		run := runLinkcheck(senv, s.dir, linkcheck, []string{"-upgrade", to, "./..."})
		out := strings.TrimSpace(run.out)
		if strings.Count(out, "\n") > 0 {
			changed = append(changed, fmt.Sprintf("%s:\n\n%s", s.name, fence("console", "$ linkcheck -upgrade "+to+" ./...\n"+run.out)))
		}
		fmt.Fprintf(&lines, "%s: %s\n", s.name, out[strings.LastIndex(out, "\n")+1:])
	}
	b.WriteString(fence("console", lines.String()))
	if len(changed) == 0 {
		fmt.Fprintf(&b, "\nNone of them changes between %s and %s.\n", from, to)
	}
	for _, c := range changed {
		b.WriteString("\n" + c)
	}
	return b.String(), nil
}
