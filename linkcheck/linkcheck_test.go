package main

import (
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func analyzeOrFail(t *testing.T, overlay map[string]string, patterns ...string) []finding {
	t.Helper()
	rules, err := readLinkerRules()
	if err != nil {
		t.Fatal(err)
	}
	file := ""
	if overlay != nil {
		abs := map[string]string{}
		for k, v := range overlay {
			k, _ = filepath.Abs(filepath.Join("..", k))
			if v != "" {
				v, _ = filepath.Abs(filepath.Join("..", v))
			}
			abs[k] = v
		}
		data, _ := json.Marshal(map[string]any{"Replace": abs})
		file = filepath.Join(t.TempDir(), "overlay.json")
		if err := os.WriteFile(file, data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	prog, err := load(patterns, file)
	if err != nil {
		t.Fatal(err)
	}
	return analyze(prog, rules)
}

// The workspace's own directives come out clean, each in its mode.
func TestWorkspace(t *testing.T) {
	got := map[string]string{}
	for _, f := range analyzeOrFail(t, nil, "../bar", "../foo", "../pull", "../push", "../handshake") {
		if len(f.Errors) > 0 || len(f.Warnings) > 0 {
			t.Errorf("%s: %v %v", f.Pos, f.Errors, f.Warnings)
		}
		got[f.Local] = f.Mode
	}
	want := map[string]string{"div": modePush, "hello": modeMarking, "x": modeMarking,
		"Add": modePull, "Hello": modeHandshake, "X": modeHandshake}
	for local, mode := range want {
		if got[local] != mode {
			t.Errorf("%s: mode %q, want %q", local, got[local], mode)
		}
	}
}

// Each lab case that the toolchain rejects, or accepts wrongly, is flagged
// with the reason. The overlays are the lab's own (see //lab: lines).
func TestLabCases(t *testing.T) {
	for _, c := range []struct {
		pkg     string
		overlay map[string]string
		want    string // in an error
	}{
		{"../pull", map[string]string{"pull/main.go": "pull/testdata/lab/pull-without-import.go"}, "relocation target example.com/linkname/bar.add not defined"},
		{"../pull", map[string]string{"pull/main.go": "pull/testdata/lab/without-unsafe.go"}, `only allowed in Go files that import "unsafe"`},
		{"../pull", map[string]string{"pull/main.go": "pull/testdata/lab/wrong-signature.go"}, "param 1: string (2 words) vs int (1 word)"},
		{"../pull", map[string]string{"pull/main.go": "pull/testdata/lab/runtime-reserved.go"}, "invalid reference to runtime.coroswitch"},
		{"../foo", map[string]string{"foo/foo.s": ""}, "missing function body"},
		{"../stdlib", map[string]string{"stdlib/main.go": "stdlib/testdata/lab/std-exported.go"}, "invalid reference to fmt.Println"},
		{"../stdlib", nil, "invalid reference to fmt.tooLarge"},
	} {
		var errs []string
		for _, f := range analyzeOrFail(t, c.overlay, c.pkg) {
			errs = append(errs, f.Errors...)
		}
		if !strings.Contains(strings.Join(errs, "\n"), c.want) {
			t.Errorf("%s %v: errors %q, want one with %q", c.pkg, c.overlay, errs, c.want)
		}
	}
}

// The gap case is not an error, but it is not passed over in silence.
func TestGapIsAWarning(t *testing.T) {
	findings := analyzeOrFail(t, map[string]string{
		"foo/toolarge.go": "foo/testdata/lab/pull-from-library.go",
		"push/main.go":    "push/testdata/lab/call-foo-toolarge.go",
	}, "../foo", "../push")
	for _, f := range findings {
		if f.Local == "TooLarge" {
			if len(f.Errors) > 0 || !strings.Contains(strings.Join(f.Warnings, " "), "gap") {
				t.Errorf("TooLarge: errors %v, warnings %v", f.Errors, f.Warnings)
			}
			return
		}
	}
	t.Error("no finding for TooLarge")
}

// TestSignatures runs compareTypes over small declarations: the first
// function (or var) of each pair is the local one, the second the target.
func TestSignatures(t *testing.T) {
	src := `package p
type myInt int
type pair struct{ a, b int }
type ptrs struct{ a, b *int }
func intInt(a, b int) int
func intInt2(x, y int) int
func myInts(a, b myInt) myInt
func str(s string) int
func twoInts(a, b int) int
func ptrPair(p ptrs)
func intPair(p pair)
func oneParam(a int) int
func bytesFn(b []byte) int
func stringFn(s string) int
func iface(v any)
func twoPtrs(a, b *int)
var i64 int64
var u64 uint64
var i32 int32
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.Default(), Error: func(error) {}}
	pkg, _ := conf.Check("p", fset, []*ast.File{f}, nil)
	sizes := types.SizesFor("gc", "amd64")
	obj := func(name string) types.Type { return pkg.Scope().Lookup(name).Type() }
	for _, c := range []struct {
		local, target, want, diff string
	}{
		{"intInt", "intInt2", sigIdentical, ""},
		{"myInts", "intInt", sigSameShape, ""},
		{"str", "oneParam", sigIncompatible, "param 1: string (2 words) vs int (1 word)"},
		{"str", "twoInts", sigIncompatible, "1 params vs 2"},
		{"ptrPair", "intPair", sigIncompatible, "2 words: pointer, pointer"},
		{"bytesFn", "stringFn", sigIncompatible, "param 1: []byte (3 words) vs string (2 words)"},
		{"iface", "twoPtrs", sigIncompatible, "1 params vs 2"},
		{"i64", "u64", sigSameShape, ""},
		{"i64", "i32", sigIncompatible, "value: int64 (1 word: 8 bytes) vs int32 (1 word: 4 bytes)"},
		{"i64", "oneParam", sigIncompatible, "variable of type int64 vs func"},
	} {
		got, diffs := compareTypes(obj(c.local), obj(c.target), sizes)
		if got != c.want || !strings.Contains(strings.Join(diffs, "; "), c.diff) {
			t.Errorf("%s vs %s: %s %q, want %s with %q", c.local, c.target, got, diffs, c.want, c.diff)
		}
	}
}

func TestSplitSymbol(t *testing.T) {
	for sym, want := range map[string][2]string{
		"fmt.tooLarge": {"fmt", "tooLarge"},
		"example.com/linkname/bar.(*counter).add": {"example.com/linkname/bar", "(*counter).add"},
		"runtime.nanotime":                        {"runtime", "nanotime"},
	} {
		if p, n := splitSymbol(sym); p != want[0] || n != want[1] {
			t.Errorf("splitSymbol(%q) = %q, %q", sym, p, n)
		}
	}
}
