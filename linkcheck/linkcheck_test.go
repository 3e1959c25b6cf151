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
	prog, err := load(patterns, writeOverlay(t, overlay))
	if err != nil {
		t.Fatal(err)
	}
	return analyze(prog, rules)
}

// writeOverlay writes a go build -overlay file for paths given from the
// workspace root, and returns its name ("" for no overlay).
func writeOverlay(t *testing.T, overlay map[string]string) string {
	t.Helper()
	if len(overlay) == 0 {
		return ""
	}
	abs := map[string]string{}
	for k, v := range overlay {
		k, _ = filepath.Abs(filepath.Join("..", k))
		if v != "" {
			v, _ = filepath.Abs(filepath.Join("..", v))
		}
		abs[k] = v
	}
	data, _ := json.Marshal(map[string]any{"Replace": abs})
	file := filepath.Join(t.TempDir(), "overlay.json")
	if err := os.WriteFile(file, data, 0o666); err != nil {
		t.Fatal(err)
	}
	return file
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

// The wrong signature builds, links and runs; linkcheck says why it is
// still wrong.
func TestWrongSignature(t *testing.T) {
	findings := analyzeOrFail(t, map[string]string{"pull/main.go": "lab/wrong-signature/pull/main.go"}, "../pull")
	want := "param 1: string (2 words) vs int (1 word)"
	if len(findings) != 1 || !strings.Contains(strings.Join(findings[0].Errors, "\n"), want) {
		t.Errorf("findings %+v, want an error with %q", findings, want)
	}
}

// reflect marks (*rtype).String with a two-argument directive on a
// stand-in of its own, which the linker honours as it does a one-argument
// one: the pull is a handshake and links (the lab's std-method-marked).
func TestMarkedMethod(t *testing.T) {
	findings := analyzeOrFail(t, map[string]string{"stdlib/main.go": "lab/std-method-marked/stdlib/main.go"}, "../stdlib")
	if len(findings) != 1 {
		t.Fatalf("got %d findings, want 1", len(findings))
	}
	f := findings[0]
	if f.Mode != modeHandshake || len(f.Errors) > 0 || f.Signature != sigSameShape ||
		!strings.Contains(f.Linker, "reflect marks (*rtype).String") {
		t.Errorf("%+v", f)
	}
}

// The gap case is not an error, but it is not passed over in silence.
func TestGapIsAWarning(t *testing.T) {
	findings := analyzeOrFail(t, map[string]string{
		"foo/toolarge.go": "lab/pull-from-library/foo/toolarge.go",
		"push/main.go":    "lab/pull-from-library/push/main.go",
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
var flag struct{ enabled bool; pad [3]byte; n uint64 }
var ptr *int
var ptrs2 [2]*int
var holder struct{ n int; p *int }
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
		{"i64", "i32", sigIncompatible, "value: int64 (8 bytes, no pointers) vs int32 (4 bytes, no pointers)"},
		{"u64", "flag", sigPrefix, "8 of 16 bytes"},
		{"ptr", "ptrs2", sigPrefix, "8 of 16 bytes"},
		{"ptr", "holder", sigIncompatible, "value: *int (8 bytes, pointers at 0) vs struct{n int; p *int} (16 bytes, pointers at 8)"},
		{"holder", "ptr", sigIncompatible, "(16 bytes, pointers at 8) vs *int (8 bytes, pointers at 0)"},
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
