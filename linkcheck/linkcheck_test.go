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
	"strconv"
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

// TestSignatures runs compareTypes over the declarations of
// testdata/signatures/p.go: each // want "TARGET VERDICT[/RISK][: DIFFS]"
// on a declaration's line is what comparing it, as the local side, with
// TARGET must give, to the letter.
func TestSignatures(t *testing.T) {
	const file = "testdata/signatures/p.go"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.Default(), Error: func(error) {}}
	pkg, _ := conf.Check("p", fset, []*ast.File{f}, nil)
	sizes := types.SizesFor("gc", "amd64")
	declared := map[int]string{} // line -> the name declared there
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			declared[fset.Position(d.Name.Pos()).Line] = d.Name.Name
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok {
					declared[fset.Position(vs.Names[0].Pos()).Line] = vs.Names[0].Name
				}
			}
		}
	}
	compared := 0
	for _, group := range f.Comments {
		for _, c := range group.List {
			rest, ok := strings.CutPrefix(c.Text, "// want ")
			if !ok {
				continue
			}
			pos := fset.Position(c.Pos())
			local := declared[pos.Line]
			if local == "" {
				t.Errorf("%s: a want comment on a line that declares nothing", pos)
				continue
			}
			for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
				quoted, err := strconv.QuotedPrefix(rest)
				if err != nil {
					t.Fatalf("%s: want takes quoted strings: %v", pos, err)
				}
				rest = rest[len(quoted):]
				want, _ := strconv.Unquote(quoted)
				target, _, _ := strings.Cut(want, " ")
				if pkg.Scope().Lookup(target) == nil {
					t.Errorf("%s: no declaration %s to compare %s with", pos, target, local)
					continue
				}
				_, localData := findDeclIn(f, local)
				_, targetData := findDeclIn(f, target)
				verdict, risk, diffs, _ := compareTypes(pkg.Scope().Lookup(local).Type(), pkg.Scope().Lookup(target).Type(), sizes, "amd64", [2]bool{localData, targetData})
				got := target + " " + verdict
				if risk != "" {
					got += "/" + risk
				}
				if len(diffs) > 0 {
					got += ": " + strings.Join(diffs, "; ")
				}
				if got != want {
					t.Errorf("%s: %s against %s\ngot  %q\nwant %q", pos, local, target, got, want)
				}
				compared++
			}
		}
	}
	if compared == 0 {
		t.Fatalf("%s: no want comments", file)
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
