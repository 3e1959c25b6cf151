package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// spacedFolder is a folder whose path has a space, as on many machines.
func spacedFolder(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "with space", "ws")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Every target that make help lists calls bin/workshop as it should, from
// a folder whose path has a space. A fake go (on PATH) and a fake
// bin/workshop (which records its arguments) stand in for the real ones,
// so this checks the Makefile alone, in a fraction of a second.
func TestMakeTargets(t *testing.T) {
	dir, fakes := fakeMakeFolder(t, map[string]string{
		"bin/workshop":      "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/calls\"\n",
		"bin/run-all":       "#!/bin/sh\necho \"run-all $*\" >> \"$(dirname \"$0\")/calls\"\n",
		"workshop/keep.txt": "",
	}, "#!/bin/sh\necho \"$*\" >> \"$GO_CALLS\"\n[ \"$1\" = env ] && echo go1.26.8\nexit 0\n")
	goCalls := filepath.Join(fakes, "calls")
	env := append(os.Environ(), "PATH="+fakes+string(os.PathListSeparator)+os.Getenv("PATH"), "GO_CALLS="+goCalls)
	// make runs a target and returns how bin/workshop was called.
	make := func(args ...string) (calls, output string, err error) {
		os.Remove(filepath.Join(dir, "bin", "calls"))
		os.Remove(goCalls)
		cmd := exec.Command("make", append([]string{"--no-print-directory", "-C", dir}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		data, _ := os.ReadFile(filepath.Join(dir, "bin", "calls"))
		// Every target that runs bin/workshop or bin/run-all first lets the
		// go command bring it up to date: by content, not by a file's time.
		goData, _ := os.ReadFile(goCalls)
		for _, call := range strings.SplitAfter(string(data), "\n") {
			pkg := "./workshop"
			if strings.HasPrefix(call, "run-all") {
				pkg = "./workshop/run-all"
			}
			built := slices.ContainsFunc(strings.Split(string(goData), "\n"), func(line string) bool {
				return strings.HasPrefix(line, "build ") && strings.Contains(line, " -o bin/ ") && strings.HasSuffix(line, " "+pkg)
			})
			if call != "" && !built {
				return "", string(out), fmt.Errorf("%q was run without go build -o bin/ %s first (go was called with %q)", call, pkg, goData)
			}
		}
		return string(data), string(out), err
	}

	// What bin/workshop must receive, one line per call.
	want := map[string]string{
		"help":            "",
		"run-all":         "run-all \n",
		"lab":             "lab\n",
		"test":            "test\n",
		"docs":            "docs\n",
		"matrix":          "matrix\n",
		"bench":           "bench\n",
		"timings":         "timings\n",
		"linkcheck-real":  "", // go test in linkcheck, as goTests says
		"linkcheck-speed": "",
		"upgrade-proof":   "",
		"marks-proof":     "",
		"linkcheck-ports": "",
		"exercise":        "exercise start\n",
		"check":           "exercise check \n",
		"hint":            "exercise hint \n",
		"reset":           "exercise reset \n",
		"copy-out":        "copy-out -mode  -dir  -module \n",
		"warm-up":         "warm-up\n",
		"slides":          "slides\n",
		"lab-compare":     "lab-compare \n",
	}
	for _, e := range examples {
		want[e.name] = "run-all " + e.name + "\n"
	}
	// The targets whose proof is linkcheck's own test: the go command
	// they run, in linkcheck's module. make matrix checks the records
	// that the others write, without -update; the ports proof is too slow
	// for every run, and make test checks its record's counts
	// (TestPortsRecord).
	goTests := map[string]string{
		"matrix":          "-C linkcheck test -count=1 -timeout 1h -run ^(TestCorpus|TestMarksProof|TestUpgradeProof)$ . -real-proof\n",
		"linkcheck-real":  "-C linkcheck test -count=1 -timeout 1h -run ^TestCorpus$ . -real-proof -update\n",
		"linkcheck-speed": "-C linkcheck test -run ^$ -bench ^BenchmarkWholeProgram$ -benchtime 7x -timeout 1h . -real-proof\n",
		"upgrade-proof":   "-C linkcheck test -count=1 -timeout 1h -run ^TestUpgradeProof$ . -real-proof -update\n",
		"marks-proof":     "-C linkcheck test -count=1 -timeout 1h -run ^TestMarksProof$ . -real-proof -update\n",
		"linkcheck-ports": "-C linkcheck test -count=1 -timeout 3h -run ^TestPorts$ . -ports-proof -update\n",
	}
	_, help, err := make("help")
	if err != nil {
		t.Fatalf("make help: %v\n%s", err, help)
	}
	tested := 0
	for _, group := range helpGroups(help) {
		for _, target := range group.targets {
			w, ok := want[target]
			if !ok {
				t.Errorf("make help lists %q, a target this test does not know: add what it must call", target)
				continue
			}
			calls, out, err := make(target)
			if err != nil || !strings.HasPrefix(calls, w) {
				t.Errorf("make %s: %v, bin/workshop called with %q, want %q\n%s", target, err, calls, w, out)
			}
			if g, ok := goTests[target]; ok {
				if goData, _ := os.ReadFile(goCalls); !strings.HasSuffix(string(goData), g) {
					t.Errorf("make %s called go with %q, want it to end with %q", target, goData, g)
				}
			}
			tested++
		}
	}
	if tested != len(want) {
		t.Errorf("make help lists %d of the %d targets this test knows", tested, len(want))
	}

	for _, c := range []struct {
		args  []string
		calls string
	}{
		{[]string{"lab", "CASE=a b"}, "lab a b\n"},
		{[]string{"bench", "COUNT=3", "RECORD=1"}, "bench -count=3 -record\n"},
		{[]string{"bench", "COUNT="}, "bench\n"},
		{[]string{"warm-up", "GO=all"}, "warm-up -go=all\n"},
		{[]string{"slides", "ADDR=8080"}, "slides -addr=8080\n"},
		{[]string{"lab-compare", "CASE=method"}, "lab-compare method\n"},
	} {
		if calls, out, err := make(c.args...); err != nil || calls != c.calls {
			t.Errorf("make %q: %v, bin/workshop called with %q, want %q\n%s", c.args, err, calls, c.calls, out)
		}
	}
	if _, out, err := make("no-such-target"); err == nil || !strings.Contains(out, `there is no target "no-such-target"`) || !strings.Contains(out, "make run-all") {
		t.Errorf("make no-such-target: %v\n%s", err, out)
	}
}

// The real workshop works from a folder whose path has a space: a copy of
// the workspace there runs its examples and a lab case (whose overlay
// holds absolute paths), and finds its documents up to date.
func TestWorkspaceInASpacedFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the workshop and the examples in a copy")
	}
	dir := spacedFolder(t)
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (p == "bin" || p != "." && strings.HasPrefix(d.Name(), ".")) {
			return fs.SkipDir
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, p), 0o777)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(filepath.Join(dir, p), data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"run-all"}, {"lab", "CASE=method"}, {"docs"}} {
		cmd := exec.Command("make", append([]string{"--no-print-directory", "-C", dir}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "rewrote") {
			t.Errorf("make %s in %q: %v\n%s", strings.Join(args, " "), dir, err, out)
		}
	}
}

// make test is the full check and nothing else: its recipe is the one
// line that runs every step, and .ci/run holds the last line make test
// prints to the summary that line prints, so a recipe that stopped
// calling it fails CI even where the recipe's exit status says nothing.
func TestMakeTestRunsTheFullCheck(t *testing.T) {
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	var rules int
	var recipe []string
	lines := strings.Split(string(makefile), "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "test:") && !strings.HasPrefix(line, "test ") {
			continue
		}
		rules++
		for _, r := range lines[i+1:] {
			if !strings.HasPrefix(r, "\t") {
				break
			}
			recipe = append(recipe, strings.TrimPrefix(r, "\t"))
		}
	}
	if want := []string{"@$(WORKSHOP) test"}; rules != 1 || !slices.Equal(recipe, want) {
		t.Errorf("the Makefile has %d rules for test, with the recipe %q; want one rule whose recipe is %q", rules, recipe, want)
	}

	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	passed := regexp.MustCompile(`(?m)^make test 2>&1 \| tee "([^"]+)"\n` +
		`tail -n 1 "([^"]+)" \| grep -q '([^']+)' \|\| \{ echo "[^"]+"; exit 1; \}$`)
	m := passed.FindStringSubmatch(string(ci))
	if m == nil || m[1] != m[2] {
		t.Fatalf(".ci/run does not run make test into a log and then fail unless the log's last line is the summary; it says:\n%s", ci)
	}
	summary, err := regexp.Compile(m[3])
	if err != nil {
		t.Fatalf(".ci/run's pattern %q: %v", m[3], err)
	}
	if line := allStepsPassed(len(testSteps())); !summary.MatchString(line) || summary.MatchString("make test: 1 of 10 steps failed: go test") {
		t.Errorf(".ci/run's pattern %q does not tell the summary %q from a failure's", m[3], line)
	}
}

// make test fails when bin/workshop test does.
func TestMakeTestFailsWhenTheCheckFails(t *testing.T) {
	dir := spacedFolder(t)
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	fakes := filepath.Join(t.TempDir(), "fake go")
	for file, script := range map[string]string{
		filepath.Join(dir, "Makefile"):        string(makefile),
		filepath.Join(dir, "bin", "workshop"): "#!/bin/sh\necho 'make test: 1 of 10 steps failed: go test'\nexit 1\n",
		filepath.Join(fakes, "go"):            "#!/bin/sh\n[ \"$1\" = env ] && echo go1.26.8\nexit 0\n",
	} {
		os.MkdirAll(filepath.Dir(file), 0o777)
		if err := os.WriteFile(file, []byte(script), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("make", "--no-print-directory", "-C", dir, "test")
	cmd.Env = append(os.Environ(), "PATH="+fakes+string(os.PathListSeparator)+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("make test passed although bin/workshop test failed:\n%s", out)
	}
}

// A helpGroup is one group of make help's output: its header line and
// the targets listed under it.
type helpGroup struct {
	header  string
	targets []string
}

// helpGroups reads make help's output: a header line, then one line per
// target, "  make TARGETS  description", the targets padded to 28
// columns; a blank line between groups. A target before any header lands
// in a group with an empty header.
func helpGroups(help string) []helpGroup {
	var groups []helpGroup
	for _, line := range strings.Split(strings.TrimRight(help, "\n"), "\n") {
		const column = len("  make ")
		switch {
		case line == "":
		case !strings.HasPrefix(line, "  make "):
			groups = append(groups, helpGroup{header: line})
		default:
			if len(groups) == 0 {
				groups = append(groups, helpGroup{})
			}
			g := &groups[len(groups)-1]
			g.targets = append(g.targets, strings.Fields(line[column:min(len(line), column+28)])...)
		}
	}
	return groups
}

// make help lists the targets under three headers, by who uses them:
// participants, teachers, maintainers, in that order, every target under
// one; the room's targets are not mixed with the maintainers' own.
func TestMakeHelpGroups(t *testing.T) {
	out, err := exec.Command("make", "--no-print-directory", "help").CombinedOutput()
	if err != nil {
		t.Fatalf("make help: %v\n%s", err, out)
	}
	groups := helpGroups(string(out))
	var who []string
	in := map[string]string{}
	for _, g := range groups {
		// "For participants: ..." is the participants' group.
		name, _, _ := strings.Cut(strings.TrimPrefix(g.header, "For "), ":")
		who = append(who, name)
		for _, target := range g.targets {
			in[target] = name
		}
	}
	if want := []string{"participants", "teachers", "maintainers"}; !slices.Equal(who, want) {
		t.Fatalf("make help's groups: %q, want %q\n%s", who, want, out)
	}
	for target, want := range map[string]string{
		"run-all": "participants", "pull": "participants", "exercise": "participants",
		"check": "participants", "copy-out": "participants",
		"lab":  "teachers",
		"docs": "maintainers", "matrix": "maintainers", "timings": "maintainers",
		"linkcheck-real": "maintainers", "linkcheck-speed": "maintainers", "upgrade-proof": "maintainers", "marks-proof": "maintainers",
	} {
		if in[target] != want {
			t.Errorf("make help lists %s under %q, want it under %q", target, in[target], want)
		}
	}
}

// make says it is building bin/workshop or bin/run-all whenever the go
// build has work to do (go build -n prints more than "touch BINARY"),
// even when the binary exists, and says nothing when it is up to date.
func TestMakeAnnouncesBuilds(t *testing.T) {
	dir, fakes := fakeMakeFolder(t, map[string]string{
		"bin/workshop": "#!/bin/sh\nexit 0\n",
		"bin/run-all":  "#!/bin/sh\nexit 0\n",
	},
		// go build -n answers as the go command does: "touch bin/NAME"
		// alone when the binary is up to date, the compile commands when
		// it is not.
		"#!/bin/sh\n[ \"$1\" = env ] && echo go1.26.8\n"+
			"if [ \"$1 $2\" = \"build -n\" ]; then for a; do last=$a; done\n"+
			"  case \"$last $STALE\" in */run-all*run-all*|*/workshop*workshop*) echo 'compile -o $WORK/b001/_pkg_.a';; */run-all*) echo 'touch bin/run-all';; *) echo 'touch bin/workshop';; esac; fi\nexit 0\n")
	for _, c := range []struct {
		target, stale, want string
	}{
		{"lab", "", ""},
		{"lab", "workshop", "building bin/workshop: the go build has work to do"},
		{"pull", "", ""},
		{"pull", "run-all", "building bin/run-all: the go build has work to do"},
	} {
		cmd := exec.Command("make", "--no-print-directory", "-C", dir, c.target)
		cmd.Env = append(os.Environ(), "PATH="+fakes+string(os.PathListSeparator)+os.Getenv("PATH"), "STALE="+c.stale)
		out, err := cmd.CombinedOutput()
		if err != nil || c.want == "" && strings.Contains(string(out), "building") || !strings.Contains(string(out), c.want) {
			t.Errorf("make %s with %q stale: %v, it says\n%s\nwant %q", c.target, c.stale, err, out, c.want)
		}
	}
}

// fakeMakeFolder copies the Makefile into a folder whose path has a
// space, writes files there (paths with slashes, relative to it) and a
// fake go command into a folder of its own, and returns both folders.
func fakeMakeFolder(t *testing.T, files map[string]string, fakeGo string) (dir, fakes string) {
	t.Helper()
	dir = spacedFolder(t)
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	fakes = filepath.Join(t.TempDir(), "fake go")
	all := map[string]string{filepath.Join(dir, "Makefile"): string(makefile), filepath.Join(fakes, "go"): fakeGo}
	for name, text := range files {
		all[filepath.Join(dir, filepath.FromSlash(name))] = text
	}
	for file, text := range all {
		if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(text), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	return dir, fakes
}
