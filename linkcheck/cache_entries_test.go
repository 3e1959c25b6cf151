package main

import (
	"os"
	"path/filepath"
	"testing"
)

// readSkeleton trusts only an entry that is whole: its sum over the
// sources as they are and the skeleton, the skeleton JSON, and a file in
// it for each Go file of the package. A note that the package was left
// for later is trusted as it is.
func TestCacheEntryNotWhole(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{"a.go": "package a\n", "b.go": "package a\n\nfunc B() {}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	newPkg := func() *pkg { return &pkg{Dir: dir, GoFiles: []string{"a.go", "b.go"}} }
	sources := newPkg().sourceSum()
	encode := func(s skeleton) []byte {
		data, err := encodeSkeleton(s)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	whole := encode(skeleton{Files: map[string]string{"a.go": "package a\n", "b.go": "package a\n\nfunc B() {}\n"}})
	for _, c := range []struct {
		name  string
		entry func(file string)
		read  bool
	}{
		{"whole", func(file string) { writeEntry(file, sources, "", whole) }, true},
		{"left for later", func(file string) { writeEntry(file, sources, "", encode(skeleton{Later: true})) }, true},
		{"no entry", func(string) {}, false},
		{"no sum line", func(file string) { os.WriteFile(file, whole, 0o666) }, false},
		{"another sum", func(file string) { os.WriteFile(file, append([]byte(entrySum("other", whole)+"\n"), whole...), 0o666) }, false},
		{"not JSON", func(file string) { writeEntry(file, sources, "", []byte("{\"Files\n")) }, false},
		{"sources cut short", func(file string) { writeEntry(file, sources, "", whole[:len(whole)-3]) }, false},
		{"a file missing", func(file string) {
			writeEntry(file, sources, "", encode(skeleton{Files: map[string]string{"a.go": "package a\n"}}))
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "entry.json")
			c.entry(file)
			p := newPkg()
			if got := (&program{tc: &toolchain{}}).readSkeleton(p, file); got != c.read {
				t.Errorf("read %v, want %v", got, c.read)
			}
			if c.read && c.name == "whole" && (len(p.skeleton) != 2 || p.later) {
				t.Errorf("skeleton %q, later %v", p.skeleton, p.later)
			}
			if c.read && c.name == "left for later" && !p.later {
				t.Error("not left for later")
			}
		})
	}
	// A file of the package that cannot be read: no sum, no entry.
	gone := &pkg{Dir: dir, GoFiles: []string{"a.go", "gone.go"}}
	file := filepath.Join(t.TempDir(), "entry.json")
	writeEntry(file, gone.sourceSum(), "", whole)
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("an entry written for files that cannot be read: %v", err)
	}
	// A cache folder that cannot be made: nothing written, nothing said.
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, nil, 0o666)
	writeEntry(filepath.Join(blocker, "entry.json"), sources, "", whole)
}

// A package with an overlaid file is not cached: the entry would hold
// what the overlay says, under the name of the file on disk.
func TestCacheOverlaid(t *testing.T) {
	tc := toolchainOrFail(t)
	std := &pkg{ImportPath: "runtime", Dir: filepath.Join(tc.goroot, "src", "runtime"), Standard: true, GoFiles: []string{"extern.go", "proc.go"}}
	prog := &program{tc: tc, overlay: map[string]string{}}
	if prog.skeletonFile(std) == "" {
		t.Fatal("runtime is not cached")
	}
	prog.overlay[filepath.Join(std.Dir, "proc.go")] = "elsewhere.go"
	if file := prog.skeletonFile(std); file != "" {
		t.Errorf("runtime with proc.go overlaid is cached in %s", file)
	}
	// Outside the standard library and the module cache: never cached.
	mine := &pkg{ImportPath: "example.test", Dir: t.TempDir(), GoFiles: []string{"main.go"}}
	if file := (&program{tc: tc}).skeletonFile(mine); file != "" {
		t.Errorf("a package of the module being checked is cached in %s", file)
	}
}
