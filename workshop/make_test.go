package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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
	dir := spacedFolder(t)
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	fakes := filepath.Join(t.TempDir(), "fake go")
	for file, script := range map[string]string{
		filepath.Join(dir, "Makefile"):             string(makefile),
		filepath.Join(dir, "bin", "workshop"):      "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/calls\"\n",
		filepath.Join(fakes, "go"):                 "#!/bin/sh\necho \"$*\" >> \"$GO_CALLS\"\n[ \"$1\" = env ] && echo go1.26.8\nexit 0\n",
		filepath.Join(dir, "workshop", "keep.txt"): "",
	} {
		os.MkdirAll(filepath.Dir(file), 0o777)
		if err := os.WriteFile(file, []byte(script), 0o777); err != nil {
			t.Fatal(err)
		}
	}
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
		// Every target that runs bin/workshop first lets the go command
		// bring it up to date: by content, not by a file's time.
		if goData, _ := os.ReadFile(goCalls); len(data) > 0 && !strings.Contains(string(goData), "build -o bin/ ./workshop\n") {
			return "", string(out), fmt.Errorf("bin/workshop was run without go build -o bin/ ./workshop first (go was called with %q)", goData)
		}
		return string(data), string(out), err
	}

	// What bin/workshop must receive, one line per call.
	want := map[string]string{
		"help":            "",
		"run-all":         "run\n",
		"lab":             "lab\n",
		"test":            "test\n",
		"docs":            "docs\n",
		"matrix":          "matrix\nlinkcheck-real -check\nmarks-check -check\nupgrade-proof -check\n",
		"bench":           "bench\n",
		"timings":         "timings\n",
		"linkcheck-real":  "linkcheck-real\n",
		"linkcheck-speed": "linkcheck-speed\n",
		"upgrade-proof":   "upgrade-proof\n",
		"linkcheck-ports": "", // go test in linkcheck: TestPorts
		"exercise":        "exercise start\n",
		"check":           "exercise check \n",
		"hint":            "exercise hint \n",
		"reset":           "exercise reset \n",
		"copy-out":        "copy-out -mode  -dir  -module \n",
	}
	for _, e := range examples {
		want[e.name] = "run " + e.name + "\n"
	}
	_, help, err := make("help")
	if err != nil {
		t.Fatalf("make help: %v\n%s", err, help)
	}
	tested := 0
	for _, line := range strings.Split(strings.TrimRight(help, "\n"), "\n") {
		// "  make TARGETS  description", the targets padded to 28 columns.
		const column = len("  make ")
		fields := strings.Fields(line[column:min(len(line), column+28)])
		for _, target := range fields {
			w, ok := want[target]
			if !ok {
				t.Errorf("make help lists %q, a target this test does not know: add what it must call", target)
				continue
			}
			calls, out, err := make(target)
			if err != nil || !strings.HasPrefix(calls, w) {
				t.Errorf("make %s: %v, bin/workshop called with %q, want %q\n%s", target, err, calls, w, out)
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
