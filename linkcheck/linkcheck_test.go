package main

import (
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// testToolchain is the Go that runs the tests, asked once, for modules
// made in temporary folders: a go.work above them must not count. Its
// skeleton cache lives in a temporary folder, which TestMain removes.
var testToolchain = sync.OnceValues(func() (*toolchain, error) {
	tc, err := newToolchain("", append(os.Environ(), "GOWORK=off"))
	if err == nil {
		tc.cacheDir = testCache
	}
	return tc, err
})

var testCache string

// workspaceToolchain is testToolchain for the workspace's own packages:
// its go commands use ../go.work even when GOWORK=off is set, as in
// cd linkcheck && GOWORK=off go test ./...
var workspaceToolchain = sync.OnceValues(func() (*toolchain, error) {
	work, err := filepath.Abs(filepath.Join("..", "go.work"))
	if err != nil {
		return nil, err
	}
	tc, err := newToolchain("", append(os.Environ(), "GOWORK="+work))
	if err == nil {
		tc.cacheDir = testCache
	}
	return tc, err
})

func TestMain(m *testing.M) {
	var err error
	if testCache, err = os.MkdirTemp("", "linkcheck-cache"); err != nil {
		panic(err)
	}
	code := m.Run()
	for _, tc := range []func() (*toolchain, error){testToolchain, workspaceToolchain} {
		if tc, err := tc(); err == nil {
			tc.writing.Wait()
		}
	}
	for _, tc := range portToolchainsMade {
		tc.writing.Wait()
	}
	os.RemoveAll(testCache)
	os.Exit(code)
}

func toolchainOrFail(t *testing.T) *toolchain {
	t.Helper()
	tc, err := testToolchain()
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// analyzeOrFail checks the workspace's packages, with files replaced as
// overlay says (paths from the workspace root).
func analyzeOrFail(t *testing.T, overlay map[string]string, patterns ...string) []finding {
	t.Helper()
	tc, err := workspaceToolchain()
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := os.Getwd()
	prog, err := load(tc, dir, patterns, writeOverlay(t, overlay))
	if err != nil {
		t.Fatal(err)
	}
	return analyze(prog, options{})
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
		if f.isError() || len(f.Warnings) > 0 {
			t.Errorf("%s: %s %s %v", f.Pos, f.Reason, f.Why, f.Warnings)
		}
		got[f.Local] = f.Mode
	}
	want := map[string]string{"div": modePush, "hello": modeMarking, "x": modeMarking,
		"Add": modePull, "Hello": modeHandshake, "X": modeHandshake}
	if !maps.Equal(got, want) {
		t.Errorf("modes %v, want %v", got, want)
	}
}

// The wrong signature builds, links and runs; linkcheck says why it is
// still wrong.
func TestWrongSignature(t *testing.T) {
	findings := analyzeOrFail(t, map[string]string{"pull/main.go": "lab/wrong-signature/pull/main.go"}, "../pull")
	want := []string{"param 1: string (int registers 0-1: int pointer, int 8 bytes) vs int (int register 0: int 8 bytes)", "1 params vs 2"}
	i := slices.IndexFunc(findings, func(f finding) bool { return f.Local == "Add" })
	if i < 0 || findings[i].Risk != riskMemory || !slices.Equal(findings[i].Diffs, want) {
		t.Errorf("findings %+v, want a memory risk with %q", findings, want)
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
	if f.Mode != modeHandshake || f.isError() || f.Signature != sigSameShape || f.Reason != reasonStdMarked || f.By != "reflect" {
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
			if f.isError() || f.Reason != reasonUnused || len(f.Warnings) != 1 {
				t.Errorf("TooLarge: %s %v", f.Reason, f.Warnings)
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
import "unsafe"
type myInt int
type pair struct{ a, b int }
type ptrs struct{ a, b *int }
type mixed struct{ n int; f float64 }
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
func intsOnly(a, b int)
func nanoFloat() float64
func nanoInt() int64
func mixedStruct(m mixed)
func mixedArgs(n int, f float64)
func array2(a [2]int)
func addr(p unsafe.Pointer)
func uaddr(p uintptr)
func nineInts(a, b, c, d, e, f, g, h, i int, s string)
func nineIntsPtr(a, b, c, d, e, f, g, h, i int, p *byte, n int)
var i64 int64
var u64 uint64
var i32 int32
var flag struct{ enabled bool; pad [3]byte; n uint64 }
var ptr *int
var ptrs2 [2]*int
var holder struct{ n int; p *int }
var small64 int64 = 5
var tail struct{ n int64; p *int }
var head struct{ p *int; n int64 }
var ptrData *int = new(int)
type oldIter struct{ key, elem, t, h unsafe.Pointer; bucket uintptr }
type newIter struct{ key, elem unsafe.Pointer; typ *int; it *int }
type intAt8 struct{ key unsafe.Pointer; n uintptr; f float64 }
type ptrAt8 struct{ key unsafe.Pointer; p *int; g float64 }
type floatAt8 struct{ key unsafe.Pointer; n uintptr; f int64 }
type split struct{ key unsafe.Pointer; a, b uint32; f float64 }
type narrow struct{ key unsafe.Pointer; n uint32; f float64 }
type opaque struct{}
func withNarrow(p *narrow)
func iterOld(it *oldIter)
func iterNew(it *newIter)
func withInt(p *intAt8) *intAt8
func withPtr(p *ptrAt8) *ptrAt8
func withFloat(p *floatAt8)
func takeInt(p *intAt8)
func withSplit(p *split)
func withOpaque(p *opaque)
var varInt intAt8
var varPtr ptrAt8
var ptrVarInt *intAt8
var ptrVarSplit *split
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
		local, target, want, risk, diffs string
	}{
		{"intInt", "intInt2", sigIdentical, "", ""},
		{"myInts", "intInt", sigSameShape, "", ""},
		// A struct travels field by field: the same registers as its
		// fields passed one by one.
		{"mixedStruct", "mixedArgs", sigSameShape, "", ""},
		{"str", "oneParam", sigIncompatible, riskMemory,
			"param 1: string (int registers 0-1: int pointer, int 8 bytes) vs int (int register 0: int 8 bytes)"},
		{"str", "twoInts", sigIncompatible, riskMemory,
			"param 1: string (int registers 0-1: int pointer, int 8 bytes) vs int (int register 0: int 8 bytes); 1 params vs 2"},
		{"ptrPair", "intPair", sigIncompatible, riskMemory,
			"param 1: p.ptrs (int registers 0-1: int pointer, int pointer) vs p.pair (int registers 0-1: int 8 bytes, int 8 bytes)"},
		{"bytesFn", "stringFn", sigIncompatible, riskValues,
			"param 1: []byte (int registers 0-2: int pointer, int 8 bytes, int 8 bytes) vs string (int registers 0-1: int pointer, int 8 bytes)"},
		// Integers and floats travel in different registers.
		{"nanoFloat", "nanoInt", sigIncompatible, riskValues,
			"result 1: float64 (float register 0: float 8 bytes) vs int64 (int register 0: int 8 bytes)"},
		// An array of two goes on the stack.
		{"array2", "intsOnly", sigIncompatible, riskMemory,
			"param 1: [2]int (stack at 0: 16 bytes, no pointers) vs int (int register 0: int 8 bytes); 1 params vs 2; stack frame: 16 bytes vs 0"},
		{"uaddr", "addr", sigIncompatible, riskGC,
			"param 1: uintptr (int register 0: int 8 bytes) vs unsafe.Pointer (int register 0: int pointer)"},
		// Out of integer registers: the string and all after it go on
		// the stack.
		{"nineInts", "nineIntsPtr", sigIncompatible, riskMemory,
			"param 10: string (stack at 0: 16 bytes, pointers at 0) vs *byte (stack at 0: 8 bytes, pointers at 0); 10 params vs 11"},
		// An interface travels as two pointers.
		{"iface", "twoPtrs", sigSameShape, "", ""},
		{"i64", "u64", sigSameShape, "", ""},
		// The linker gives the symbol the larger size: a larger
		// variable stays in bounds, and the garbage collector must find
		// the pointers in the type of the side the linker keeps, the one
		// with data or else the larger one.
		{"i64", "i32", sigLarger, "", "8 bytes over 4"},
		{"tail", "i64", sigLarger, "", "16 bytes over 8"},
		{"tail", "small64", sigIncompatible, riskMemory, "value: struct{n int64; p *int} (16 bytes, pointers at 8) vs int64 (8 bytes, no pointers)"},
		{"head", "ptrData", sigLarger, "", "16 bytes over 8"},
		{"head", "small64", sigIncompatible, riskMemory, "value: struct{p *int; n int64} (16 bytes, pointers at 0) vs int64 (8 bytes, no pointers)"},
		{"u64", "flag", sigPrefix, "", "8 of 16 bytes"},
		{"ptr", "ptrs2", sigPrefix, "", "8 of 16 bytes"},
		{"ptr", "holder", sigIncompatible, riskMemory, "value: *int (8 bytes, pointers at 0) vs struct{n int; p *int} (16 bytes, pointers at 8)"},
		{"holder", "ptr", sigIncompatible, riskMemory, "value: struct{n int; p *int} (16 bytes, pointers at 8) vs *int (8 bytes, pointers at 0)"},
		{"i64", "oneParam", sigIncompatible, riskMemory, "variable of type int64 vs func func(a int) int"},
		// Through pointers: the structs pointed to, field by field.
		{"iterOld", "iterNew", sigSameShape, "", ""},
		{"withInt", "withPtr", sigIncompatible, riskGC,
			"param 1 points to p.intAt8 vs p.ptrAt8: at 8: n uintptr vs p *int; result 1 points to p.intAt8 vs p.ptrAt8: at 8: n uintptr vs p *int"},
		{"withFloat", "takeInt", sigIncompatible, riskValues, "param 1 points to p.floatAt8 vs p.intAt8: at 16: f int64 vs f float64"},
		{"withSplit", "takeInt", sigIncompatible, riskValues, "param 1 points to p.split vs p.intAt8: at 8: a uint32 at 8, b uint32 at 12 vs n uintptr"},
		{"withNarrow", "takeInt", sigIncompatible, riskValues, "param 1 points to p.narrow vs p.intAt8: at 8: n uint32 vs n uintptr"},
		{"withOpaque", "takeInt", sigSameShape, "", ""},
		{"varInt", "varPtr", sigIncompatible, riskMemory,
			"value: p.intAt8 (24 bytes, pointers at 0) vs p.ptrAt8 (24 bytes, pointers at 0, 8); value p.intAt8 vs p.ptrAt8: at 8: n uintptr vs p *int"},
		{"ptrVarSplit", "ptrVarInt", sigIncompatible, riskValues, "value points to p.split vs p.intAt8: at 8: a uint32 at 8, b uint32 at 12 vs n uintptr"},
	} {
		_, localData := findDeclIn(f, c.local)
		_, targetData := findDeclIn(f, c.target)
		got, risk, diffs, _ := compareTypes(obj(c.local), obj(c.target), sizes, "amd64", [2]bool{localData, targetData})
		if got != c.want || risk != c.risk || strings.Join(diffs, "; ") != c.diffs {
			t.Errorf("%s vs %s: %s %s %q\nwant %s %s %q", c.local, c.target, got, risk, strings.Join(diffs, "; "), c.want, c.risk, c.diffs)
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

// minorVersion turns go1.26.8 into go1.26.
func minorVersion(v string) string {
	if parts := strings.SplitN(v, ".", 3); len(parts) == 3 {
		return parts[0] + "." + parts[1]
	}
	return v
}

// TestAssemblyNames reads the symbols that assembly names, in each way
// a package path is written there.
func TestAssemblyNames(t *testing.T) {
	dir := t.TempDir()
	src := "TEXT ·f(SB), NOSPLIT, $0-0\n" +
		"\tCALL runtime·systemstack(SB)\n" +
		"\tCALL internal∕bytealg·IndexByte<ABIInternal>(SB)\n" +
		"\tCMPB github·com∕user∕p·flag+4(SB), $0\n" +
		"\tRET\n"
	if err := os.WriteFile(filepath.Join(dir, "f_amd64.s"), []byte(src), 0o666); err != nil {
		t.Fatal(err)
	}
	p := &pkg{ImportPath: "example.com/p", Dir: dir, SFiles: []string{"f_amd64.s"}}
	p.readAssembly()
	var defs, refs []string
	for _, s := range p.asmDefs {
		defs = append(defs, s.Sym)
	}
	for _, s := range p.asmRefs {
		refs = append(refs, s.Sym)
	}
	wantRefs := []string{"runtime.systemstack", "internal/bytealg.IndexByte", "github.com/user/p.flag"}
	if !slices.Equal(defs, []string{"example.com/p.f"}) || !slices.Equal(refs, wantRefs) {
		t.Errorf("defines %q, refers to %q; want [example.com/p.f], %q", defs, refs, wantRefs)
	}
}
