package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runIn runs linkcheck's command line in dir, as a user would there, with
// the tests' cache and no go.work above.
func runIn(t *testing.T, dir string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	chdir(t, dir)
	t.Setenv("GOWORK", "off")
	t.Setenv("LINKCHECK_CACHE", testCache)
	var out, errOut strings.Builder
	status = run(args, &out, &errOut)
	return out.String(), errOut.String(), status
}

// chdir changes the working folder for the rest of the test (the go
// command in linkcheck's module is older than testing.T.Chdir).
func chdir(t *testing.T, dir string) {
	t.Helper()
	was, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(was) })
}

// goBuild builds args in dir with the tests' Go, and says whether it
// links.
func goBuild(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	tc := toolchainOrFail(t)
	// Into a folder: ./... may name several commands.
	cmd := exec.Command("go", append([]string{"build", "-o", t.TempDir() + string(filepath.Separator)}, args...)...)
	cmd.Env, cmd.Dir = append(tc.env, "GOWORK=off"), dir
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// filesProgram is package main in two files, one of which holds a pull
// that the linker refuses, and a library beside it.
var filesProgram = map[string]string{
	"main.go": `package main

import (
	"fmt"
	_ "unsafe"
)

//go:linkname tooLarge fmt.tooLarge
func tooLarge(x int) bool

func main() { fmt.Println(tooLarge(1), helper()) }
`,
	"helper.go": `package main

func helper() int { return 1 }
`,
	"alone.go": `//go:build ignore

package main

import _ "unsafe"

//go:linkname nanotime runtime.nanotime
func nanotime() int64

func main() { println(nanotime()) }
`,
	"lib/lib.go": `package lib

import _ "unsafe"

//go:linkname runtime_procPin runtime.procPin
func runtime_procPin() int

func Pin() int { return runtime_procPin() }
`,
}

// Go files on the command line are one package, as go build main.go
// takes them: the check reads those files, and the build's answer is the
// prediction's.
func TestFileArguments(t *testing.T) {
	dir := writeModule(t, filesProgram)
	// Named alone, a file that build constraints leave out of ./... is
	// still built: the go command names no constraint for files.
	findings, links := buildAndPredict(t, dir, "alone.go")
	if len(findings) != 1 || findings[0].Local != "nanotime" || findings[0].Reason != reasonStdMarked || !links {
		t.Errorf("alone.go: links %v, findings %+v; want one std_marked pull that links", links, findings)
	}
	out, linked := goBuild(t, dir, "main.go", "helper.go")
	if linked || !strings.Contains(out, "invalid reference to fmt.tooLarge") {
		t.Fatalf("go build main.go helper.go:\n%s", out)
	}
	stdout, stderr, status := runIn(t, dir, "-json", "main.go", "helper.go")
	var got []finding
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || status != 1 || len(got) != 1 {
		t.Fatalf("linkcheck -json main.go helper.go: status %d, want 1\n%s%s", status, stdout, stderr)
	}
	if f := got[0]; f.Pos != "main.go:8" || f.Package != "command-line-arguments" || f.Link != linkFails || f.Fails != "link: main: invalid reference to fmt.tooLarge" {
		t.Errorf("finding %+v", f)
	}
	// A library named by its file sees the standard library's marks, as
	// the library named by its folder does: runtime is listed with it.
	stdout, stderr, status = runIn(t, dir, "-json", "lib/lib.go")
	got = nil
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || status != 0 || len(got) != 1 {
		t.Fatalf("linkcheck -json lib/lib.go: status %d, want 0\n%s%s", status, stdout, stderr)
	}
	if f := got[0]; f.Pos != "lib/lib.go:5" || f.Reason != reasonStdMarked || f.By != "runtime" {
		t.Errorf("lib/lib.go: %+v, want a pull that runtime marks", f)
	}
}

// A word that is not a Go version is refused before any go command runs
// (none is on PATH here), whichever flag it is given to, and before the
// versions named with it are fetched.
func TestNotAVersion(t *testing.T) {
	dir := writeModule(t, filesProgram)
	for _, args := range [][]string{
		{"-upgrade", "./..."},
		{"-go", "go1.27.3", "-upgrade", "./..."},
		{"-go", "1.27.3", "."},
		{"-upgrade", "go1.27.3+auto", "."},
		{"-marks", "go1.27.3", "./..."},
	} {
		t.Setenv("PATH", "")
		stdout, stderr, status := runIn(t, dir, args...)
		if status != 2 || stdout != "" || !strings.Contains(stderr, "is not a Go version: name a release such as go1.27.3, or local") {
			t.Errorf("linkcheck %s: status %d, want 2\n%s%s", strings.Join(args, " "), status, stdout, stderr)
		}
	}
	for v, ok := range map[string]bool{"": true, "local": true, "go1.27.3": true, "go1.26rc1": true, "go1.20": true, "go1.22beta1": true,
		"./...": false, "1.27.3": false, "go1.27.3 ": false, "go1.27.3+auto": false, "path": false, "auto": false, "go2": false} {
		if err := checkVersion(v); (err == nil) != ok {
			t.Errorf("checkVersion(%q): %v", v, err)
		}
	}
}

// A pattern that matches nothing, and a package that an overlay leaves
// without Go files, stop linkcheck as they stop go build, with exit
// status 2, under -upgrade too. A folder of tests alone that ./...
// matches is passed over, as go build ./... passes it over.
func TestNothingToCheck(t *testing.T) {
	files := map[string]string{
		"main.go": `package main

import "example.test/lib"

func main() { println(lib.Pin()) }
`,
		"lib/lib.go":           filesProgram["lib/lib.go"],
		"lib/lib_test.go":      "package lib\n",
		"onlytests/x_test.go":  "package onlytests\n",
		"empty/README.md":      "nothing\n",
		"nowhere/notes.txt":    "nothing\n",
		"hidden/hidden.go":     "package hidden\n",
		"hidden/other_test.go": "package hidden\n",
	}
	dir := writeModule(t, files)
	overlay := filepath.Join(t.TempDir(), "overlay.json")
	data, _ := json.Marshal(map[string]any{"Replace": map[string]string{filepath.Join(dir, "lib", "lib.go"): "", filepath.Join(dir, "hidden", "hidden.go"): ""}})
	if err := os.WriteFile(overlay, data, 0o666); err != nil {
		t.Fatal(err)
	}
	if out, links := goBuild(t, dir, "./..."); !links {
		t.Fatalf("go build ./... fails:\n%s", out)
	}
	if out, links := goBuild(t, dir, "-overlay", overlay, "."); links || !strings.Contains(out, "no non-test Go files in "+filepath.Join(dir, "lib")) {
		t.Fatalf("go build -overlay links, or says:\n%s", out)
	}
	if _, _, status := runIn(t, dir, "./..."); status != 0 {
		t.Errorf("linkcheck ./...: status %d, want 0", status)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"./empty/..."}, "linkcheck: pattern ./empty/... matched no packages\n"},
		{[]string{"./empty/...", "./nowhere/..."}, "linkcheck: patterns ./empty/... ./nowhere/... matched no packages\n"},
		{[]string{"-upgrade", "local", "./empty/..."}, "linkcheck: " + toolchainOrFail(t).version + ": pattern ./empty/... matched no packages\n"},
		{[]string{"-overlay", overlay, "."}, "linkcheck: example.test/lib: no non-test Go files in " + filepath.Join(dir, "lib") + "\n"},
		{[]string{"-overlay", overlay, "./hidden"}, "linkcheck: example.test/hidden: no non-test Go files in " + filepath.Join(dir, "hidden") + "\n"},
		{[]string{"./onlytests"}, "linkcheck: example.test/onlytests: no non-test Go files in " + filepath.Join(dir, "onlytests") + "\n"},
	} {
		stdout, stderr, status := runIn(t, dir, c.args...)
		if status != 2 || stdout != "" || stderr != c.want {
			t.Errorf("linkcheck %s: status %d, want 2\n%s%s\nwant %s", strings.Join(c.args, " "), status, stdout, stderr, c.want)
		}
	}
}
