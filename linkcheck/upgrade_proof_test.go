package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestUpgradeProof's records: the proof, and the transcripts, which
// README.md shows.
const (
	upgradeProofRecord      = "testdata/upgrade-proof.md"
	upgradeTranscriptRecord = "testdata/upgrade-transcript.md"
)

// transcriptLabCase is the lab case overlaid on the workspace for the
// -upgrade transcript: the workspace alone has nothing that changes.
const transcriptLabCase = "internal-atomic-load"

// A proofSubject is one thing linkcheck is asked about: a lab build
// check, a case of Go's own linker test, or a corpus program.
type proofSubject struct {
	group, name string
	dir         string   // where linkcheck runs
	env         []string // added to the environment
	args        []string // linkcheck's arguments, without -json, -go and -upgrade
	lab         *labRecord
}

// A linkcheckRun is one run of linkcheck: what it printed and its exit
// status.
type linkcheckRun struct {
	out    string
	status int
}

// TestUpgradeProof holds linkcheck -go and -upgrade to the toolchains
// themselves. With the two recorded Go versions, FROM and TO, for every
// lab build check, every case of each version's own linker test and
// every corpus program, one linkcheck (built by the Go that runs the
// test) must print the same JSON, byte for byte, with -go TO under
// GOTOOLCHAIN=FROM as under GOTOOLCHAIN=TO, and with -go FROM under
// GOTOOLCHAIN=TO as under GOTOOLCHAIN=FROM. Then -upgrade TO, run under
// FROM, must report exactly the lab checks whose records differ between
// the two versions, with the linker's own words of each record. It
// records both, and README.md's transcripts (-update rewrites them).
// make upgrade-proof; make matrix checks it.
func TestUpgradeProof(t *testing.T) {
	needRealProof(t, "upgrade-proof")
	versions := recordedGo(t)
	if v := proofVersions(t); !slices.Equal(v, versions) {
		t.Skipf("GO_VERSIONS is %s: the upgrade proof compares the recorded Go versions (%s)", strings.Join(v, " "), strings.Join(versions, " "))
	}
	from, to := versions[0], versions[1]
	linkcheck := filepath.Join(t.TempDir(), "linkcheck")
	if out, err := exec.Command("go", "build", "-o", linkcheck, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build linkcheck: %v\n%s", err, out)
	}
	env := append(os.Environ(), "LINKCHECK_CACHE="+testCache)
	subjects := proofSubjects(t, from, to)

	type fourRuns struct{ goTo, envTo, goFrom, envFrom linkcheckRun }
	runs := make([]fourRuns, len(subjects))
	indexes := make([]int, len(subjects))
	for i := range indexes {
		indexes[i] = i
	}
	forEach(indexes, func(i int) {
		s := subjects[i]
		under := func(version string, extra ...string) linkcheckRun {
			senv := append(append(slices.Clone(env), s.env...), "GOTOOLCHAIN="+version)
			return runLinkcheck(senv, s.dir, linkcheck, append(append([]string{"-json"}, extra...), s.args...))
		}
		runs[i] = fourRuns{under(from, "-go", to), under(to), under(to, "-go", from), under(from)}
	})

	var proof strings.Builder
	fmt.Fprintf(&proof, "Recorded by `go test -run TestUpgradeProof -real-proof -update` in linkcheck (`make upgrade-proof`; `make matrix` checks it).\n"+
		"One linkcheck, built by the Go that runs the test, is asked each question four times: `-go %[2]s` under `GOTOOLCHAIN=%[1]s` against\n"+
		"plain `GOTOOLCHAIN=%[2]s`, and `-go %[1]s` under `GOTOOLCHAIN=%[2]s` against plain `GOTOOLCHAIN=%[1]s`.\n"+
		"`same` means the same JSON to the byte and the same exit status.\n", from, to)
	group := ""
	for i, s := range subjects {
		if s.group != group {
			group = s.group
			fmt.Fprintf(&proof, "\n%s:\n\n| Subject | -go %s = %s | -go %s = %s |\n|---|---|---|\n", group, to, to, from, from)
		}
		r := runs[i]
		up, down := sameRun(r.goTo, r.envTo), sameRun(r.goFrom, r.envFrom)
		fmt.Fprintf(&proof, "| %s | %s | %s |\n", s.name, orWord(up, "DIFFERS"), orWord(down, "DIFFERS"))
		if up == "" || down == "" {
			t.Errorf("DIFFERS %s %s:\n-go %s: %s\nGOTOOLCHAIN=%s: %s\n-go %s: %s\nGOTOOLCHAIN=%s: %s",
				s.group, s.name, to, r.goTo.out, to, r.envTo.out, from, r.goFrom.out, from, r.envFrom.out)
		}
	}
	proof.WriteString(upgradeAgainstLab(t, env, linkcheck, subjects, from, to))
	transcript := upgradeTranscripts(t, env, linkcheck, subjects, from, to)
	if t.Failed() {
		t.Fatalf("linkcheck contradicts itself across the toolchains, or -upgrade the lab: nothing recorded; this run:\n%s", proof.String())
	}
	checkRecord(t, upgradeProofRecord, proof.String())
	checkRecord(t, upgradeTranscriptRecord, transcript)
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

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}

// runLinkcheck runs the linkcheck executable; an exit status of 1 is an
// answer too.
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

// proofSubjects lists what the upgrade proof asks linkcheck about: every
// lab build check, every case of each version's linker test, every
// corpus program.
func proofSubjects(t *testing.T, versions ...string) []proofSubject {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	work := "GOWORK=" + filepath.Join(root, "go.work")
	records := readLabRecords(t, root)
	overlayDir := t.TempDir()
	var subjects []proofSubject
	for i, b := range readLabBuilds(t, root) {
		file := filepath.Join(overlayDir, fmt.Sprintf("lab%d.json", i))
		name, _, _ := strings.Cut(b.name, " ")
		if name == transcriptLabCase {
			// The transcript shows the command, with the file that make
			// lab writes.
			file = filepath.Join(root, "bin", "lab", name+".overlay.json")
		}
		data, _ := json.Marshal(map[string]any{"Replace": b.overlay})
		if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o666); err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, file)
		args := []string{"-overlay", rel}
		for _, f := range b.flags {
			if f != "-ldflags=-checklinkname=0" {
				t.Fatalf("%s: linkcheck has no counterpart for the build flag %s", b.name, f)
			}
			args = append(args, "-checklinkname=false")
		}
		rec := records[b.name]
		if rec == nil {
			t.Fatalf("no records read for the lab check %s", b.name)
		}
		subjects = append(subjects, proofSubject{group: "The lab's build checks", name: "`" + b.name + "`", dir: root,
			env: []string{work}, args: append(args, b.patterns...), lab: rec})
	}
	for _, v := range versions {
		tc, err := newToolchain(v, append(os.Environ(), "GOWORK=off"))
		if err != nil {
			t.Fatal(err)
		}
		linkerRoot, cases := writeLinkerCases(t, tc.goroot)
		for _, c := range cases {
			subjects = append(subjects, proofSubject{group: "Go's own linker test (TestCheckLinkname), " + v + "'s cases", name: c,
				dir: linkerRoot, env: []string{"GOWORK=off"}, args: []string{"./" + strings.TrimSuffix(c, ".go")}})
		}
	}
	programs := t.TempDir()
	for i, m := range corpus {
		program := filepath.Join(programs, fmt.Sprint(i))
		writeCorpusProgram(t, program, m)
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
	return subjects
}

// A labRecord is what the lab records of one build check, per minor Go
// version: the verdict, and the case's why.
type labRecord struct {
	flags []string
	want  map[string]labVerdict
	why   map[string]string
}

// A labVerdict is one //lab:want verdict: builds, runs "OUT", fails
// "TEXT", or runs-as and fails-as an example (text left as "as NAME").
type labVerdict struct{ kind, text string }

func (v labVerdict) String() string {
	if v.kind == "runs" || v.kind == "fails" {
		return fmt.Sprintf("%s: %q", v.kind, strings.TrimSuffix(v.text, "\n"))
	}
	return v.kind
}

// readLabRecords reads the //lab:want and //lab:why lines of every case,
// by the label readLabBuilds gives each build check.
func readLabRecords(t *testing.T, root string) map[string]*labRecord {
	t.Helper()
	var minors []string
	for _, v := range recordedGo(t) {
		minors = append(minors, minorVersion(v))
	}
	expand := func(words []string) []string {
		var out []string
		for _, w := range words {
			from, onward := strings.CutSuffix(w, "+")
			for _, m := range minors {
				if m == from || onward && compareGo(m, from) >= 0 {
					out = append(out, m)
				}
			}
		}
		return out
	}
	records := map[string]*labRecord{}
	err := filepath.WalkDir(filepath.Join(root, "lab"), func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(file, ".go") {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(root, "lab"), file)
		name, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		why := map[string]string{}
		var wants []*labRecord
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			verb, rest, _ := strings.Cut(sc.Text(), " ")
			var versions []string
			for strings.HasPrefix(rest, "go1.") {
				var word string
				word, rest, _ = strings.Cut(rest, " ")
				versions = append(versions, word)
			}
			switch verb {
			case "//lab:why":
				for _, m := range expand(versions) {
					why[m] = rest
				}
			case "//lab:want":
				var flags []string
				for strings.HasPrefix(rest, "-") {
					var word string
					word, rest, _ = strings.Cut(rest, " ")
					flags = append(flags, word)
				}
				kind, arg, _ := strings.Cut(rest, " ")
				if kind == "vet-silent" {
					continue
				}
				v := labVerdict{kind: kind}
				switch kind {
				case "runs", "fails":
					if v.text, err = strconv.Unquote(arg); err != nil {
						return fmt.Errorf("%s: %q: %v", file, sc.Text(), err)
					}
				case "runs-as", "fails-as":
					v = labVerdict{kind: strings.TrimSuffix(kind, "-as"), text: "as " + arg}
				}
				label := strings.Join(append([]string{name}, flags...), " ")
				rec := records[label]
				if rec == nil {
					rec = &labRecord{flags: flags, want: map[string]labVerdict{}}
					records[label] = rec
					wants = append(wants, rec)
				}
				for _, m := range expand(versions) {
					rec.want[m] = v
				}
			}
		}
		for _, rec := range wants {
			rec.why = why
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// compareGo compares two minor versions, go1.9 before go1.10.
func compareGo(a, b string) int {
	x, _ := strconv.Atoi(strings.TrimPrefix(a, "go1."))
	y, _ := strconv.Atoi(strings.TrimPrefix(b, "go1."))
	return x - y
}

// The fields of linkcheck -upgrade -json that the proof reads.
type upgradeJSON struct {
	Breaks  bool
	Modules []struct {
		Changes []struct {
			Kinds         []string
			Before, After *finding
		}
	}
}

// upgradeAgainstLab runs linkcheck -upgrade TO under FROM on every lab
// build check, and holds what it reports to the lab's records: a check
// is reported exactly when its records for the two versions differ (the
// verdict, or the why of a check without flags), and then with the
// change the records show, in the linker's own words. It returns the
// table.
func upgradeAgainstLab(t *testing.T, env []string, linkcheck string, subjects []proofSubject, from, to string) string {
	fromMinor, toMinor := minorVersion(from), minorVersion(to)
	var b strings.Builder
	fmt.Fprintf(&b, "\n`linkcheck -upgrade %s` under %s on each lab build check, against the lab's records:\n\n", to, from)
	fmt.Fprintf(&b, "| Lab check | %s record | %s record | Expected | -upgrade reports | Reason codes |\n|---|---|---|---|---|---|\n", fromMinor, toMinor)
	unchanged := 0
	for _, s := range subjects {
		if s.lab == nil {
			continue
		}
		label := strings.Trim(s.name, "`")
		wantFrom, wantTo := s.lab.want[fromMinor], s.lab.want[toMinor]
		expected := expectedChange(wantFrom, wantTo)
		if expected == "" && len(s.lab.flags) == 0 && s.lab.why[fromMinor] != s.lab.why[toMinor] {
			expected = "reason_changed"
		}
		run := runLinkcheck(append(append(slices.Clone(env), s.env...), "GOTOOLCHAIN="+from), s.dir, linkcheck, append([]string{"-json", "-upgrade", to}, s.args...))
		var r upgradeJSON
		if err := json.Unmarshal([]byte(run.out), &r); err != nil {
			t.Errorf("%s: linkcheck -upgrade: %v\n%s", label, err, run.out)
			continue
		}
		var reported, reasons []string
		problem := ""
		for _, m := range r.Modules {
			for _, c := range m.Changes {
				reported = append(reported, strings.Join(c.Kinds, "+"))
				if c.Before != nil && c.After != nil {
					reasons = append(reasons, c.Before.Reason+" -> "+c.After.Reason)
				}
				problem = orWord(problem, orWord(wordsProblem(c.Before, wantFrom, from), wordsProblem(c.After, wantTo, to)))
			}
		}
		got := strings.Join(reported, ", ")
		breaks := 0
		if r.Breaks {
			breaks = 1
		}
		switch {
		case got != expected:
			problem = fmt.Sprintf("-upgrade reports %q, the records say %q", got, expected)
		case run.status != breaks || r.Breaks != (expected == "stops_linking"):
			problem = fmt.Sprintf("exit status %d, breaks %v", run.status, r.Breaks)
		}
		verdict := "agrees"
		if problem != "" {
			t.Errorf("%s: %s", label, problem)
			verdict = "DISAGREES"
		}
		if expected == "" && got == "" {
			unchanged++
			continue
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s (%s) | %s |\n", label, mdCell(wantFrom.String()), mdCell(wantTo.String()),
			orWord(expected, "nothing"), orWord(got, "nothing"), verdict, strings.Join(reasons, ", "))
	}
	fmt.Fprintf(&b, "\nThe other %d lab build checks have the same records on both versions, and -upgrade reports nothing for them.\n", unchanged)
	return b.String()
}

func mdCell(text string) string { return strings.ReplaceAll(text, "|", `\|`) }

// expectedChange is the kind of change that two records of a lab check
// show, or "" when they agree.
func expectedChange(before, after labVerdict) string {
	links := func(v labVerdict) bool { return v.kind == "runs" || v.kind == "builds" }
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
func wordsProblem(f *finding, want labVerdict, version string) string {
	switch {
	case f == nil || want.kind != "fails" && f.Link != linkFails:
		return ""
	case want.kind != "fails":
		return fmt.Sprintf("%s: predicts %q, the record says %s", version, f.Fails, want)
	case f.Fails != want.text:
		return fmt.Sprintf("%s: predicts %q, the record says %q", version, f.Fails, want.text)
	}
	return ""
}

// upgradeTranscripts runs linkcheck -upgrade TO under FROM on the
// workspace with transcriptLabCase overlaid, and on each corpus program,
// and writes what README.md shows: the first in full, the corpus as one
// line each, or in full where something changes.
func upgradeTranscripts(t *testing.T, env []string, linkcheck string, subjects []proofSubject, from, to string) string {
	var b strings.Builder
	i := slices.IndexFunc(subjects, func(s proofSubject) bool { return s.name == "`"+transcriptLabCase+"`" })
	if i < 0 {
		t.Fatalf("no lab case %s", transcriptLabCase)
	}
	s := subjects[i]
	run := runLinkcheck(append(append(slices.Clone(env), s.env...), "GOTOOLCHAIN="+from), s.dir, linkcheck, append([]string{"-upgrade", to}, s.args...))
	fmt.Fprintf(&b, "The workspace with the lab case `%s` overlaid (`make lab` writes its overlay), with %s:\n\n", transcriptLabCase, from)
	b.WriteString("```console\n$ linkcheck -upgrade " + to + " " + strings.Join(s.args, " ") + "\n" + run.out + "```\n")
	fmt.Fprintf(&b, "\nEach published module of the corpus (`make linkcheck-real`), in the module of a program that imports it:\n\n")
	var lines strings.Builder
	var changed []string
	for _, s := range subjects {
		if s.lab != nil || s.args[0] != "./..." {
			continue
		}
		run := runLinkcheck(append(append(slices.Clone(env), s.env...), "GOTOOLCHAIN="+from), s.dir, linkcheck, []string{"-upgrade", to, "./..."})
		out := strings.TrimSpace(run.out)
		if strings.Contains(out, "\n") {
			changed = append(changed, fmt.Sprintf("%s:\n\n```console\n$ linkcheck -upgrade %s ./...\n%s```\n", s.name, to, run.out))
		}
		fmt.Fprintf(&lines, "%s: %s\n", s.name, out[strings.LastIndex(out, "\n")+1:])
	}
	b.WriteString("```console\n" + lines.String() + "```\n")
	if len(changed) == 0 {
		fmt.Fprintf(&b, "\nNone of them changes between %s and %s.\n", from, to)
	}
	for _, c := range changed {
		b.WriteString("\n" + c)
	}
	return b.String()
}
