package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// An entry's name changes with the Go version, the platform and the cgo
// setting: an entry of one never stands for another.
func TestCacheKey(t *testing.T) {
	p := &pkg{ImportPath: "runtime", Dir: "/goroot/src/runtime", Standard: true, GoFiles: []string{"proc.go"}, SFiles: []string{"asm_amd64.s"}}
	name := func(change func(*toolchain)) string {
		tc := &toolchain{version: "go1.26.8", goos: "linux", goarch: "amd64", cgo: true, cacheDir: "/cache"}
		change(tc)
		return (&program{tc: tc}).skeletonFile(p)
	}
	same := func(*toolchain) {}
	seen := map[string]string{name(same): "base"}
	for what, change := range map[string]func(*toolchain){
		"version": func(tc *toolchain) { tc.version = "go1.27.3" },
		"goos":    func(tc *toolchain) { tc.goos = "darwin" },
		"goarch":  func(tc *toolchain) { tc.goarch = "arm64" },
		"cgo":     func(tc *toolchain) { tc.cgo = false },
	} {
		if other, ok := seen[name(change)]; ok {
			t.Errorf("another %s, the same entry as %s: %s", what, other, name(change))
		}
		seen[name(change)] = what
	}
	if name(same) != name(same) || filepath.Dir(name(same)) != "/cache" {
		t.Errorf("entry %s", name(same))
	}
}

// fileCheck checks a program that pulls runtime.nanotime as a float64,
// with a cache folder of its own, and returns the finding for it.
func fileCheck(t *testing.T, dir, cache string) finding {
	t.Helper()
	tc, err := newToolchain("", append(os.Environ(), "GOWORK=off"))
	if err != nil {
		t.Fatal(err)
	}
	tc.cacheDir = cache
	defer tc.writing.Wait()
	prog, err := load(tc, dir, []string{"."}, "")
	if err != nil {
		t.Fatal(err)
	}
	findings := analyze(prog, options{})
	if len(findings) != 1 {
		t.Fatalf("%d findings:\n%s", len(findings), report(tc, findings, true))
	}
	return findings[0]
}

var nanotimeFloat = map[string]string{"main.go": `package main

import _ "unsafe"

//go:linkname nanotime runtime.nanotime
func nanotime() float64

func main() { println(nanotime()) }
`}

// runtimeEntry returns the name of runtime's entry in cache, and the
// package as the tests' Go lists it.
func runtimeEntry(t *testing.T, dir, cache string) (string, *pkg) {
	t.Helper()
	tc, err := newToolchain("", append(os.Environ(), "GOWORK=off"))
	if err != nil {
		t.Fatal(err)
	}
	tc.cacheDir = cache
	prog, err := load(tc, dir, []string{"."}, "")
	tc.writing.Wait()
	if err != nil {
		t.Fatal(err)
	}
	p := prog.byPath["runtime"]
	return prog.skeletonFile(p), p
}

// A cache entry edited into other valid JSON is not trusted: one name
// changed in runtime's directives would make the pull of runtime.nanotime
// fail. It is made again.
func TestCacheEntryEdited(t *testing.T) {
	dir, cache := writeModule(t, nanotimeFloat), t.TempDir()
	want := fileCheck(t, dir, cache)
	if want.Reason != reasonStdMarked || want.Signature != sigIncompatible {
		t.Fatalf("before the edit: %+v", want)
	}
	file, _ := runtimeEntry(t, dir, cache)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.ReplaceAll(data, []byte(`"Local":"nanotime"`), []byte(`"Local":"nanotimx"`))
	if _, ok := decodeSkeleton(edited[bytes.IndexByte(edited, '\n')+1:]); bytes.Equal(edited, data) || !ok {
		t.Fatal("runtime's entry names no nanotime directive to edit")
	}
	if err := os.WriteFile(file, edited, 0o666); err != nil {
		t.Fatal(err)
	}
	if got := fileCheck(t, dir, cache); got.Reason != want.Reason || got.Link != want.Link {
		t.Errorf("with the edited entry: %s (%s), want %s (%s)", got.Link, got.Reason, want.Link, want.Reason)
	}
	if now, err := os.ReadFile(file); err != nil || !bytes.Equal(now, data) {
		t.Errorf("the edited entry was not made again: %v", err)
	}
}

// A cached source that does not parse is not used: the file itself is,
// and the signature that it declares is still compared. The entry is
// dropped, to be made again.
func TestCacheSourceDoesNotParse(t *testing.T) {
	dir, cache := writeModule(t, nanotimeFloat), t.TempDir()
	want := fileCheck(t, dir, cache)
	file, p := runtimeEntry(t, dir, cache)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := decodeSkeleton(data[bytes.IndexByte(data, '\n')+1:])
	if !ok {
		t.Fatal("runtime's entry does not decode")
	}
	broken := ""
	for name, src := range s.Files {
		if strings.Contains(src, "\nfunc nanotime() int64") {
			s.Files[name], broken = src+"\nfunc {", name
		}
	}
	if broken == "" {
		t.Fatal("no cached source of runtime declares nanotime")
	}
	skel, _ := encodeSkeleton(s)
	writeEntry(file, p.sourceSum(), "", skel) // a valid entry, its source broken
	if got := fileCheck(t, dir, cache); got.Signature != want.Signature || !slices.Equal(got.Diffs, want.Diffs) {
		t.Errorf("with %s broken in the cache: signature %s %q, want %s %q", broken, got.Signature, got.Diffs, want.Signature, want.Diffs)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the entry with a broken source stays: %v", err)
	}
}

// An entry is made again when a file it was made from changes.
func TestCacheSourceChanged(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "a.go")
	if err := os.WriteFile(src, []byte("package a\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	p := &pkg{Dir: dir, GoFiles: []string{"a.go"}}
	file := filepath.Join(t.TempDir(), "entry.json")
	skel, _ := encodeSkeleton(skeleton{Files: map[string]string{"a.go": "package a\n"}})
	writeEntry(file, p.sourceSum(), "", skel)
	prog := &program{tc: &toolchain{}}
	if !prog.readSkeleton(p, file) {
		t.Fatal("the entry just written is not read")
	}
	if err := os.WriteFile(src, []byte("package a // changed\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if prog.readSkeleton(&pkg{Dir: dir, GoFiles: []string{"a.go"}}, file) {
		t.Error("the entry is read after its file changed")
	}
}

// Entries are written aside and renamed, and what an interrupted run left
// being written is removed by the next run that writes: a whole check
// leaves no temporary file behind.
func TestCacheTemporaryFiles(t *testing.T) {
	cache := t.TempDir()
	old := time.Now().Add(-time.Hour)
	for name, stale := range map[string]bool{
		"0123.json.4567.tmp":                      true,
		"marks-v1-go1.26.8-linux-amd64.json.4567": true, // -marks' own
		"89ab.json.cdef.tmp":                      false,
		"entry.json":                              false,
	} {
		path := filepath.Join(cache, name)
		if err := os.WriteFile(path, nil, 0o666); err != nil {
			t.Fatal(err)
		}
		if stale || name == "entry.json" {
			os.Chtimes(path, old, old)
		}
	}
	fileCheck(t, writeModule(t, nanotimeFloat), cache)
	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	var temporary []string
	written := 0
	for _, e := range entries {
		switch {
		case isTempName(e.Name()):
			temporary = append(temporary, e.Name())
		case strings.HasSuffix(e.Name(), ".json"):
			written++
		}
	}
	if !slices.Equal(temporary, []string{"89ab.json.cdef.tmp"}) || written < 10 {
		t.Errorf("%d entries; temporary files %q, want only the one being written now", written, temporary)
	}
	if _, err := os.Stat(filepath.Join(cache, "entry.json")); err != nil {
		t.Errorf("an old entry was removed: %v", err)
	}
}
