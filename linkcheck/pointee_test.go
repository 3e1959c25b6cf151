package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPointeeNotes checks the note for two pointees that agree where
// they overlap and differ in size, and that an empty struct (an opaque
// handle) and the same struct give none.
func TestPointeeNotes(t *testing.T) {
	src := `package p
import "unsafe"
type oldIter struct{ key, elem, t, h unsafe.Pointer; bucket uintptr }
type newIter struct{ key, elem unsafe.Pointer; typ *int; it *int }
type opaque struct{}
func iterOld(it *oldIter)
func iterNew(it *newIter)
func withOpaque(it *opaque)
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := (&types.Config{Importer: importer.Default()}).Check("p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sizes := types.SizesFor("gc", "amd64")
	obj := func(name string) types.Type { return pkg.Scope().Lookup(name).Type() }
	for _, c := range []struct {
		local, target, note string
	}{
		{"iterOld", "iterNew", "param 1 points to p.oldIter, 40 bytes, and the target's to p.newIter, 32 bytes: they agree where they overlap, and the side with the larger struct must be the one that allocates it"},
		{"iterNew", "iterOld", "param 1 points to p.newIter, 32 bytes, and the target's to p.oldIter, 40 bytes: they agree where they overlap, and the side with the larger struct must be the one that allocates it"},
		{"withOpaque", "iterNew", ""},
		{"iterNew", "iterNew", ""},
	} {
		verdict, _, _, notes := compareTypes(obj(c.local), obj(c.target), sizes, "amd64", [2]bool{})
		if got := strings.Join(notes, "; "); got != c.note || verdict == sigIncompatible {
			t.Errorf("%s vs %s: %s, notes %q\nwant notes %q", c.local, c.target, verdict, got, c.note)
		}
	}
}

// sonicProbe runs inside a copy of bytedance/sonic's internal/rt: it
// writes a map through sonic's own copy of the runtime's map type and
// iterator, the pulls linkcheck compares, and prints what sonic's
// fields hold.
const sonicProbe = `package main

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/bytedance/sonic/internal/rt"
)

func main() {
	m := map[int64]string{}
	t := rt.MapType(rt.UnpackType(reflect.TypeOf(m)))
	k := int64(7)
	*(*string)(rt.Mapassign(t, *(*unsafe.Pointer)(unsafe.Pointer(&m)), unsafe.Pointer(&k))) = "seven"
	var it rt.GoMapIterator
	rt.Mapiterinit(t, *(*unsafe.Pointer)(unsafe.Pointer(&m)), &it)
	fmt.Println("iterates:", *(*int64)(it.K), *(*string)(it.V))
	fmt.Println("key size", t.Key.Size, "elem size", t.Elem.Size)
	if uintptr(t.KeySize) != t.Key.Size || uintptr(t.ElemSize) != t.Elem.Size {
		fmt.Println("wrong KeySize", t.KeySize, "and ElemSize", t.ElemSize)
	}
}
`

// TestSonicMapType holds what linkcheck says of bytedance/sonic
// v1.15.5's copies of the runtime's map type and map iterator to a
// program built and run in a copy of the module's own files, on the Go
// that runs the test. linkcheck says the type's fields past the hash
// function are not the runtime's (the map type of Go before 1.24), and
// that the iterator agrees with the runtime's where they overlap and is
// larger: the program iterates right, and reads wrong sizes from those
// fields. It needs the module and its dependencies in the module cache;
// LINKCHECK_REAL=1 lets it fetch them.
func TestSonicMapType(t *testing.T) {
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if os.Getenv("LINKCHECK_REAL") != "1" {
		env = append(env, "GOPROXY=off")
	}
	const module = "github.com/bytedance/sonic@v1.15.5"
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Env = env
	out, err := cmd.Output()
	var dl struct{ Dir string }
	if err != nil || json.Unmarshal(out, &dl) != nil || dl.Dir == "" {
		t.Skipf("%s is not in the module cache (LINKCHECK_REAL=1 fetches it): %v %s", module, err, out)
	}
	// The module's go.mod and go.sum, and the packages the probe needs.
	dir := t.TempDir()
	for _, sub := range []string{"go.mod", "go.sum", "option", "internal/rt"} {
		copyTree(t, filepath.Join(dl.Dir, sub), filepath.Join(dir, sub))
	}
	writeFile(t, filepath.Join(dir, "internal", "rt", "probe", "main.go"), sonicProbe)

	tc, err := newToolchain("", env)
	if err != nil {
		t.Fatal(err)
	}
	tc.cacheDir = testCache
	t.Cleanup(tc.writing.Wait)
	exe := filepath.Join(t.TempDir(), "probe")
	findings, links, buildOut := buildAndPredictWith(t, tc, dir, "./internal/rt/probe", exe)
	if !links {
		t.Fatalf("the probe does not link:\n%s", buildOut)
	}
	byLocal := map[string]finding{}
	for _, f := range findings {
		if f.Package == "github.com/bytedance/sonic/internal/rt" {
			byLocal[f.Local] = f
		}
	}
	typeDiff := "param 1 points to rt.GoMapType vs abi.MapType: at 80: KeySize uint8 at 80, ElemSize uint8 at 81, BucketSize uint16 at 82, Flags uint32 at 84 vs GroupSize uintptr"
	if f := byLocal["Mapassign"]; f.Signature != sigIncompatible || f.Risk != riskValues || !slices.Equal(f.Diffs, []string{typeDiff}) {
		t.Errorf("Mapassign: %s %s %q, want %s %s [%q]", f.Signature, f.Risk, f.Diffs, sigIncompatible, riskValues, typeDiff)
	}
	iterNote := "param 3 points to rt.GoMapIterator, 104 bytes, and the target's to runtime.linknameIter, 32 bytes"
	if f := byLocal["Mapiterinit"]; !slices.ContainsFunc(f.Warnings, func(w string) bool { return strings.HasPrefix(w, iterNote) }) {
		t.Errorf("Mapiterinit: warnings %q, want one that starts %q", f.Warnings, iterNote)
	}
	run, err := exec.Command(exe).CombinedOutput()
	for _, want := range []string{"iterates: 7 seven", "key size 8 elem size 16", "wrong KeySize"} {
		if !strings.Contains(string(run), want) {
			t.Errorf("the probe (%v) prints:\n%s\nwant a line with %q", err, run, want)
		}
	}
}

// copyTree copies a file, or a folder's files and folders, writable.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		data, err := os.ReadFile(path)
		if err == nil {
			writeFile(t, filepath.Join(to, rel), string(data))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPointeeTranscript checks README.md's transcript of a pull through
// a pointer to an older Go's map type (testdata's
// pointer-to-a-map-type-of-an-older-go) against real runs: linkcheck,
// then the build and the program. -update rewrites it.
func TestPointeeTranscript(t *testing.T) {
	var c realCase
	for _, rc := range readRealCases(t) {
		if rc.name == "pointer-to-a-map-type-of-an-older-go" {
			c = rc
		}
	}
	dir, tc := writeCase(t, c)
	stdout, stderr, status := runIn(t, dir, "./...")
	if status != 1 {
		t.Fatalf("linkcheck ./...: status %d, want 1\n%s%s", status, stdout, stderr)
	}
	exe := filepath.Join(t.TempDir(), "app")
	build := exec.Command("go", "build", "-o", exe, ".")
	build.Env, build.Dir = append(tc.env, "GOWORK=off"), dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).CombinedOutput()
	if err != nil {
		t.Fatalf("app: %v\n%s", err, out)
	}
	block := fmt.Sprintf("```console\n$ linkcheck ./...\n%s%s$ echo $?\n%d\n$ go build -o app . && ./app\n%s```\n", stdout, stderr, status, out)
	checkReadmeBlock(t, "<!-- pointee transcript: go test -run TestPointeeTranscript -update rewrites it -->\n", "<!-- end of the pointee transcript -->\n", block)
}
