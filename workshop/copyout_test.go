package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goAlone runs the go command in dir as someone with only the copied
// module would: no workspace, no module proxy, and -mod=mod so that a
// missing requirement is looked up (and fails) rather than only reported.
func goAlone(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// Each example, copied out under a module path of the user's into a
// folder outside the workspace, vets, tidies, builds and prints what the
// example's own test expects.
func TestCopyOutStandsAlone(t *testing.T) {
	t.Parallel()
	root := workspaceRoot(t)
	const module = "example.com/me/demo"
	for _, e := range examples {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if _, err := copyOut(root, e.name, dir, module); err != nil {
				t.Fatal(err)
			}
			goAlone(t, dir, "vet", "./...")
			gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
			if err != nil {
				t.Fatal(err)
			}
			goAlone(t, dir, "mod", "tidy")
			if tidied, _ := os.ReadFile(filepath.Join(dir, "go.mod")); !bytes.Equal(tidied, gomod) {
				t.Errorf("go mod tidy changed go.mod:\n%s\nwas:\n%s", tidied, gomod)
			}
			bin := filepath.Join(t.TempDir(), e.name+exeSuffix())
			args := []string{"build", "-o", bin}
			if e.ldflags != "" {
				args = append(args, "-ldflags="+e.ldflags)
			}
			goAlone(t, dir, append(args, ".")...)
			got, err := runProgram(bin)
			if err != nil {
				t.Fatal(err)
			}
			want, err := expectedOutput(filepath.Join(root, e.name))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("the copy prints:\n%swant:\n%s", got, want)
			}
		})
	}
}

// Why copy-out exists: a folder copied out alone still points at its
// neighbour through go.mod's replace line.
func TestFolderCopiedAloneFails(t *testing.T) {
	root := workspaceRoot(t)
	dir := filepath.Join(t.TempDir(), "pull")
	if err := layOver(filepath.Join(root, "pull"), dir, ""); err != nil {
		t.Fatal(err)
	}
	out, err := goIn(dir, "build", "-o", os.DevNull, ".")
	// The message follows the position of the import, which is not the
	// point here.
	_, msg, _ := strings.Cut(string(out), ": ")
	want := "example.com/linkname/bar@v0.0.0: replacement directory ../bar does not exist\n"
	if err == nil || msg != want {
		t.Errorf("go build in a lone copy of pull/: %v\n%s\nwant it to fail with:\n%s", err, out, want)
	}
}

// Why copy-out rewrites directives: in a copy whose directive still names
// the workspace's bar, the program compiles and then fails to link.
func TestCopyWithStaleDirectiveFails(t *testing.T) {
	root := workspaceRoot(t)
	dir := t.TempDir()
	if _, err := copyOut(root, "pull", dir, "example.com/me/demo"); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "main.go")
	src, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	stale := strings.Replace(string(src), "example.com/me/demo/bar.add", "example.com/linkname/bar.add", 1)
	if err := os.WriteFile(main, []byte(stale), 0o666); err != nil {
		t.Fatal(err)
	}
	out, err := goIn(dir, "build", "-o", os.DevNull, ".")
	want := "# example.com/me/demo\nmain.main: relocation target example.com/linkname/bar.add not defined\n"
	if err == nil || string(out) != want {
		t.Errorf("go build with a stale directive: %v\n%s\nwant it to fail with:\n%s", err, out, want)
	}
}

// The copy of push holds its three packages, and no directive in it still
// names a package of the workspace.
func TestCopyOutMovesEveryDirective(t *testing.T) {
	root := workspaceRoot(t)
	dir := t.TempDir()
	files, err := copyOut(root, "push", dir, "example.com/me/demo")
	if err != nil {
		t.Fatal(err)
	}
	want := "bar/bar.go foo/foo.go foo/foo.s go.mod main.go main_test.go"
	if got := strings.Join(files, " "); got != want {
		t.Errorf("files written: %s, want %s", got, want)
	}
	for _, f := range files {
		src, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			if target, _, ok := linknameTarget(line); ok && strings.HasPrefix(target, "example.com/linkname/") {
				t.Errorf("%s: %s still names the workspace", f, line)
			}
		}
	}
}

func TestRelocate(t *testing.T) {
	src := `package p

import (
	_ "example.com/linkname/bar"
	_ "unsafe"
)

// This comment quotes example.com/linkname/bar.add and stays as it is.
//
//go:linkname add example.com/linkname/bar.add
func add(a, b int) int

//go:linkname addTo example.com/linkname/bar.(*counter).add
func addTo(c *int, n int)

//go:linkname tooLarge fmt.tooLarge
func tooLarge(x int) bool

//go:linkname local
func local()
`
	want := `package p

import (
	_ "example.com/me/demo/bar"
	_ "unsafe"
)

// This comment quotes example.com/linkname/bar.add and stays as it is.
//
//go:linkname add example.com/me/demo/bar.add
func add(a, b int) int

//go:linkname addTo example.com/me/demo/bar.(*counter).add
func addTo(c *int, n int)

//go:linkname tooLarge fmt.tooLarge
func tooLarge(x int) bool

//go:linkname local
func local()
`
	moved := func(pkg string) (string, bool) {
		if pkg == "example.com/linkname/bar" {
			return "example.com/me/demo/bar", true
		}
		return "", false
	}
	got, err := relocate("p.go", []byte(src), moved, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("relocate:\n%s\nwant:\n%s", got, want)
	}
}

func TestSplitSymbol(t *testing.T) {
	for symbol, want := range map[string][2]string{
		"fmt.tooLarge":                          {"fmt", "tooLarge"},
		"example.com/linkname/bar.add":          {"example.com/linkname/bar", "add"},
		"example.com/linkname/bar.(*tally).add": {"example.com/linkname/bar", "(*tally).add"},
		"reflect.(*rtype).String":               {"reflect", "(*rtype).String"},
		"internal/runtime/atomic.Load":          {"internal/runtime/atomic", "Load"},
	} {
		if pkg, name := splitSymbol(symbol); pkg != want[0] || name != want[1] {
			t.Errorf("splitSymbol(%q) = %q, %q; want %q, %q", symbol, pkg, name, want[0], want[1])
		}
	}
}

// A package whose path only starts like a workspace module's is not in it.
func TestPackageDir(t *testing.T) {
	mods := []module{{dir: "./bar", path: "example.com/linkname/bar"}, {dir: "./pull", path: "example.com/linkname/pull"}}
	for pkg, want := range map[string]string{
		"example.com/linkname/bar":      "bar",
		"example.com/linkname/bar/sub":  "bar/sub",
		"example.com/linkname/barista":  "",
		"fmt":                           "",
		"example.com/linkname/pull":     "pull",
		"example.com/linkname/workshop": "",
	} {
		if got := packageDir(mods, pkg); got != want {
			t.Errorf("packageDir(%q) = %q, want %q", pkg, got, want)
		}
	}
}

// Each example module's own tests pass on their own, as someone who cloned
// only that folder's module with its neighbours would run them: no
// workspace, no module proxy, and go.mod left as it is. linkcheck and
// workshop are the workspace's tools and are left out.
func TestModulesTestWithoutTheWorkspace(t *testing.T) {
	t.Parallel()
	root := workspaceRoot(t)
	for _, mod := range []string{"bar", "foo", "pull", "push", "handshake", "stdlib"} {
		t.Run(mod, func(t *testing.T) {
			t.Parallel()
			args := []string{"test"}
			if e, ok := exampleNamed(mod); ok && e.ldflags != "" {
				args = append(args, "-ldflags="+e.ldflags)
			}
			cmd := exec.Command("go", append(args, "./...")...)
			cmd.Dir = filepath.Join(root, mod)
			cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=-mod=readonly")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("cd %s && GOWORK=off go %s ./...: %v\n%s", mod, strings.Join(args, " "), err, out)
			}
		})
	}
}

// A folder reached through a symbolic link into the workspace is inside
// it; a path with a space is quoted for the shell.
func TestCopyOutFolders(t *testing.T) {
	root := workspaceRoot(t)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(root, link); err != nil {
		t.Fatal(err)
	}
	if got := withoutLinks(filepath.Join(link, "new", "demo")); got != filepath.Join(root, "new", "demo") {
		t.Errorf("withoutLinks through a link to the workspace = %q", got)
	}
	for path, want := range map[string]string{
		"../demo":         "../demo",
		"/tmp/with space": "'/tmp/with space'",
		"/tmp/it's":       `'/tmp/it'\''s'`,
	} {
		if got := shellQuote(path); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", path, got, want)
		}
	}
}

// workspaceTalk matches what a comment of a copy must not speak of: the
// workspace, its lab, its make targets, its documents, its exercises, and
// the folders beside the one copied.
var workspaceTalk = regexp.MustCompile(`(?i)\b(workspace|lab|make|makefile|readme|exercises?|scratch|go\.work)\b|\.\./`)

// copyComments returns every comment of a copied file, one per line: Go
// comments read by the parser, assembly comments as the lines that start
// with //.
func copyComments(t *testing.T, file string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	if strings.HasSuffix(file, ".go") {
		f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, group := range f.Comments {
			for _, c := range group.List {
				lines = append(lines, strings.Split(c.Text, "\n")...)
			}
		}
		return lines
	}
	for _, line := range strings.Split(string(src), "\n") {
		if _, comment, ok := strings.Cut(line, "//"); ok {
			lines = append(lines, comment)
		}
	}
	return lines
}

// A copy holds only what its mode needs: no comment speaks of the
// workspace, and every directive naming a package of the new module
// names one that was copied (bar's push into foo.Div stays behind when
// foo does).
func TestCopyOutHoldsOnlyItsMode(t *testing.T) {
	root := workspaceRoot(t)
	const module = "example.com/me/demo"
	for _, e := range examples {
		t.Run(e.name, func(t *testing.T) {
			dir := t.TempDir()
			files, err := copyOut(root, e.name, dir, module)
			if err != nil {
				t.Fatal(err)
			}
			packages := map[string]bool{}
			for _, f := range files {
				if rel := path.Dir(f); rel == "." {
					packages[module] = true
				} else {
					packages[module+"/"+rel] = true
				}
			}
			for _, f := range files {
				for _, line := range copyComments(t, filepath.Join(dir, f)) {
					if workspaceTalk.MatchString(line) {
						t.Errorf("%s: a comment speaks of the workspace: %s", f, strings.TrimSpace(line))
					}
					target, _, ok := linknameTarget(strings.TrimSpace(line))
					if !ok {
						continue
					}
					if pkg, _ := splitSymbol(target); (pkg == module || strings.HasPrefix(pkg, module+"/")) && !packages[pkg] {
						t.Errorf("%s: %s names %s, a package the copy does not hold", f, strings.TrimSpace(line), pkg)
					}
				}
			}
		})
	}
}

// A MODULE that would give a copied package a standard-library path is
// refused before anything is written; a path without a dot that the
// standard library does not use is accepted.
func TestCopyOutRefusesStandardLibraryPaths(t *testing.T) {
	root := workspaceRoot(t)
	for module, shadowed := range map[string]string{
		"fmt":      "fmt",
		"net/http": "net/http",
		"crypto":   "crypto",
	} {
		dir := filepath.Join(t.TempDir(), "demo")
		_, err := copyOut(root, "push", dir, module)
		want := "MODULE " + module + " would put a package at " + shadowed + ", the path of a standard-library package: " +
			"its imports would reach the standard library's " + shadowed + ", not the copy. " +
			"Pick a path whose first element has a dot, such as example.com/me/demo; nothing was written"
		if err == nil || err.Error() != want {
			t.Errorf("copy-out with MODULE %s: %v\nwant: %s", module, err, want)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("copy-out with MODULE %s wrote %s", module, dir)
		}
	}
	if _, err := copyOut(root, "push", t.TempDir(), "demo"); err != nil {
		t.Errorf("copy-out with MODULE demo: %v", err)
	}
}

// A declaration whose directive names a package left out of the copy goes,
// doc comment and all; the rest of the file stays as it was.
func TestRelocateDropsWhatNamesALeftOutPackage(t *testing.T) {
	src := `package bar

import _ "unsafe"

func add(a, b int) int { return a + b }

// div is pushed into foo.
//
//go:linkname div example.com/linkname/foo.Div
func div(a, b int) int { return a / b }

// y is pushed too.
//
//go:linkname y example.com/linkname/foo.Y
var y = 1

//go:linkname x
var x = 12
`
	want := `package bar

import _ "unsafe"

func add(a, b int) int { return a + b }

//go:linkname x
var x = 12
`
	got, err := relocate("bar.go", []byte(src),
		func(pkg string) (string, bool) { return "", false },
		func(pkg string) bool { return pkg == "example.com/linkname/foo" })
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("relocate:\n%s\nwant:\n%s", got, want)
	}
}

// make copy-out without one of its settings says which are missing.
func TestCopyOutMissing(t *testing.T) {
	modes := "(MODE: one of " + strings.Join(exampleNames(), ", ") + ")\n"
	for _, c := range []struct{ mode, dir, module, want string }{
		{"push", "/tmp/d", "example.com/me/demo", ""},
		{"", "/tmp/d", "", "make copy-out: MODE and MODULE are missing " + modes},
		{"push", "/tmp/d", "", "make copy-out: MODULE is missing " + modes},
		{"", "", "", "make copy-out: MODE, DIR and MODULE are missing " + modes},
	} {
		if got := copyOutMissing(c.mode, c.dir, c.module); got != c.want {
			t.Errorf("copyOutMissing(%q, %q, %q) = %q, want %q", c.mode, c.dir, c.module, got, c.want)
		}
	}
}
