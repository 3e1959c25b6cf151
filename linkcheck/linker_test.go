package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// buildAndPredict builds the package at pattern in the module at dir for
// real, runs linkcheck's analysis on it, and fails the test unless they
// agree: linkcheck predicts a failure exactly when the build fails, and
// the build's output holds one of the texts it predicts. It returns the
// findings and whether the build linked.
func buildAndPredict(t *testing.T, dir, pattern string) ([]finding, bool) {
	t.Helper()
	findings, links, _ := buildAndPredictWith(t, toolchainOrFail(t), dir, pattern, filepath.Join(t.TempDir(), "exe"))
	return findings, links
}

// buildAndPredictWith is buildAndPredict with the toolchain tc, writing
// the program to exe (none for ""); it returns the build's output too.
func buildAndPredictWith(t *testing.T, tc *toolchain, dir, pattern, exe string) ([]finding, bool, string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", exe, pattern)
	if exe == "" { // a library: compiled, then dropped
		cmd = exec.Command("go", "build", pattern)
	}
	cmd.Env, cmd.Dir = append(slices.Clone(tc.env), "GOWORK=off"), dir
	out, buildErr := cmd.CombinedOutput()
	prog, err := load(tc, dir, []string{pattern}, "")
	if err != nil {
		t.Fatal(err)
	}
	findings := analyze(prog, options{})
	var predicted []string
	for _, f := range findings {
		if f.Link == linkFails {
			predicted = append(predicted, f.Fails)
		}
	}
	if problem := buildAgreement(predicted, buildErr == nil, string(out)); problem != "" {
		t.Errorf("%s\nlinkcheck's report:\n%s", problem, report(tc, findings, true))
	}
	// Each directive counted once, no empty names in the prose.
	text := report(tc, findings, true)
	if strings.Contains(text, "  is ") || strings.Contains(text, "package  ") || strings.Count("\n"+text, "\ntotal: ") != 1 {
		t.Errorf("report:\n%s", text)
	}
	seen := map[string]bool{}
	for _, f := range findings {
		if key := f.Pos + " " + f.Local; f.isDirective() && seen[key] {
			t.Errorf("%s: reported twice", key)
		} else {
			seen[key] = true
		}
	}
	return findings, buildErr == nil, string(out)
}

// An empty result is an empty JSON array, not null.
func TestEmptyJSON(t *testing.T) {
	var b strings.Builder
	if err := writeJSON(&b, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("writeJSON(nil) = %q, %v; want \"[]\\n\"", b.String(), err)
	}
}

// TestGoLinkerCases takes every case of the running Go's own linker test
// (TestCheckLinkname in cmd/link/link_test.go, its sources in
// cmd/link/testdata/linkname), builds each in a temporary module, and
// requires linkcheck to predict what the build does.
func TestGoLinkerCases(t *testing.T) {
	tc := toolchainOrFail(t)
	root, cases := writeLinkerCases(t, tc.goroot)
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			buildAndPredict(t, root, "./"+strings.TrimSuffix(c, ".go"))
		})
	}
}

// writeLinkerCases writes every case of the linker test of the Go at
// goroot into one new module, each case in a folder of its own (the
// case's name without .go), the helper package p beside them, and returns
// the module's folder and the cases.
func writeLinkerCases(t *testing.T, goroot string) (string, []string) {
	t.Helper()
	linkDir := filepath.Join(goroot, "src", "cmd", "link")
	cases := checkLinknameCases(t, filepath.Join(linkDir, "link_test.go"))
	if len(cases) == 0 {
		t.Fatal("no cases found in TestCheckLinkname")
	}
	// One module holds them all: each case in a folder of its own, the
	// helper package p beside them, under the module's path.
	const modulePath = "linkname.test"
	root := t.TempDir()
	testdata := filepath.Join(linkDir, "testdata", "linkname")
	copyFile := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		data = []byte(strings.ReplaceAll(string(data), "cmd/link/testdata/linkname", modulePath))
		if err := os.MkdirAll(filepath.Dir(to), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(filepath.Join(testdata, "p", "p.go"), filepath.Join(root, "p", "p.go"))
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module "+modulePath+"\n\ngo 1.23\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		folder := strings.TrimSuffix(c, ".go")
		if strings.HasSuffix(c, ".go") {
			copyFile(filepath.Join(testdata, c), filepath.Join(root, folder, "main.go"))
			continue
		}
		entries, err := os.ReadDir(filepath.Join(testdata, c))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			copyFile(filepath.Join(testdata, c, e.Name()), filepath.Join(root, folder, e.Name()))
		}
	}
	return root, cases
}

// checkLinknameCases reads the sources that TestCheckLinkname builds: the
// first, string, field of each element of its table.
func checkLinknameCases(t *testing.T, file string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
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
	return cases
}

// writeModule writes files into a new module example.test and returns its
// folder.
func writeModule(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.test\n\ngo 1.23\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o777)
		if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// skipWithout skips a test that needs version's toolchain when it is not
// in the module cache: make test does not fetch.
func skipWithout(t *testing.T, version string) {
	t.Helper()
	local, err := goEnv(append(os.Environ(), "GOTOOLCHAIN=local"), "GOVERSION", "GOMODCACHE", "GOHOSTOS", "GOHOSTARCH")
	if err != nil {
		t.Fatal(err)
	}
	if fetching(local, version) {
		t.Skip(version + " is not in the module cache")
	}
}

// A program that does not parse is not checked: load stops at the
// parser's first error, as go build stops at the compiler's.
func TestSyntaxError(t *testing.T) {
	tc := toolchainOrFail(t)
	dir := writeModule(t, map[string]string{"main.go": `package main

import _ "unsafe"

//go:linkname nanotime runtime.nanotime
func nanotime() int64

func main() { println(nanotime() }
`})
	cmd := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "exe"), ".")
	cmd.Env, cmd.Dir = append(tc.env, "GOWORK=off"), dir
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("go build links:\n%s", out)
	}
	_, err := load(tc, dir, []string{"."}, "")
	if want := "main.go:8:34: missing ',' in argument list"; err == nil || err.Error() != want {
		t.Errorf("load: %v, want %s", err, want)
	}
}

// With -std, the standard library's own lines are reported, unsafe
// signatures among them (runtime pushes *pollDesc into internal/poll's
// uintptr), but they do not change the exit status: the program links.
func TestStdLinesDoNotCount(t *testing.T) {
	tc := toolchainOrFail(t)
	dir := writeModule(t, map[string]string{"main.go": `package main

import (
	_ "net"
	_ "unsafe"
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

func main() { println(nanotime() > 0) }
`})
	_, links := buildAndPredict(t, dir, ".")
	prog, err := load(tc, dir, []string{"."}, "")
	if err != nil {
		t.Fatal(err)
	}
	findings := analyze(prog, options{std: true})
	if countErrors(findings) == 0 {
		t.Fatal("no unsafe signature among the standard library's lines: nothing to leave out")
	}
	if got := exitStatus(findings); !links || got != 0 {
		t.Errorf("go build links: %v; exit status %d, want 0", links, got)
	}
}

// A library named alone is checked against the standard library's marks
// as its program is: every program links runtime.
func TestLibraryAlone(t *testing.T) {
	tc := toolchainOrFail(t)
	dir := writeModule(t, map[string]string{
		"main.go": `package main

import "example.test/lib"

func main() { println(lib.Pin()) }
`,
		"lib/lib.go": `package lib

import _ "unsafe"

//go:linkname runtime_procPin runtime.procPin
func runtime_procPin() int

func Pin() int { return runtime_procPin() }
`})
	if _, links := buildAndPredict(t, dir, "."); !links {
		t.Fatal("go build fails")
	}
	prog, err := load(tc, dir, []string{"./lib"}, "")
	if err != nil {
		t.Fatal(err)
	}
	findings := analyze(prog, options{})
	if len(findings) != 1 {
		t.Fatalf("%d findings, want 1:\n%s", len(findings), report(tc, findings, false))
	}
	f := findings[0]
	if f.Mode != modeHandshake || f.Reason != reasonStdMarked || f.By != "runtime" || len(f.Warnings) > 0 {
		t.Errorf("library alone:\n%s\nwant a handshake that runtime marks, without warnings", report(tc, findings, false))
	}
}
