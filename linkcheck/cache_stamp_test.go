package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// While a package's files look as they did when its entry was written,
// the entry's sum of them is trusted and they are not read; once they
// look otherwise they are read, and an entry that still matches them is
// written again with how they look now.
func TestCacheStamp(t *testing.T) {
	srcs := map[string]string{"a.go": "package a\n", "b.go": "package a\n\nfunc B() {}\n"}
	whole, err := encodeSkeleton(skeleton{Files: srcs})
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	setup := func(t *testing.T) (dir, file string) {
		dir = t.TempDir()
		for name, src := range srcs {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(src), 0o666); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
		}
		return dir, filepath.Join(t.TempDir(), "entry.json")
	}
	newPkg := func(dir string) *pkg { return &pkg{Dir: dir, GoFiles: []string{"a.go", "b.go"}} }
	read := func(t *testing.T, p *pkg, file string) bool {
		t.Helper()
		return (&program{tc: &toolchain{}}).readSkeleton(p, file)
	}
	stampOf := func(t *testing.T, file string) string {
		t.Helper()
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		line, _, _ := strings.Cut(string(data), "\n")
		_, _, stamp := entryLine(line)
		return stamp
	}

	t.Run("looks the same", func(t *testing.T) {
		dir, file := setup(t)
		p := newPkg(dir)
		// A sum that no files have: trusted, since the files are not read.
		writeEntry(file, "not-read", p.stamp(), whole)
		if !read(t, p, file) {
			t.Fatal("an entry whose files look as they did is not read")
		}
		if got := p.sourceSum(); got != "not-read" {
			t.Errorf("the files' sum is %s, not the entry's", got)
		}
	})
	t.Run("touched", func(t *testing.T) {
		dir, file := setup(t)
		before := newPkg(dir).stamp()
		writeEntry(file, newPkg(dir).sourceSum(), before, whole)
		later := old.Add(time.Minute)
		if err := os.Chtimes(filepath.Join(dir, "a.go"), later, later); err != nil {
			t.Fatal(err)
		}
		p := newPkg(dir)
		if !read(t, p, file) {
			t.Fatal("an entry whose files were only touched is not read")
		}
		if now := stampOf(t, file); now == before || now != p.stamp() {
			t.Errorf("the entry's stamp is %q; before the touch %q, now %q", now, before, p.stamp())
		}
	})
	t.Run("changed, then the time set back", func(t *testing.T) {
		dir, file := setup(t)
		p := newPkg(dir)
		writeEntry(file, p.sourceSum(), p.stamp(), whole)
		a := filepath.Join(dir, "a.go")
		info, err := os.Stat(a)
		if err != nil {
			t.Fatal(err)
		}
		if statExtra(info) == "" {
			t.Skip("this system shows only the size and the modification time, which a tool can set back")
		}
		// As long as before, so that only the content and the change time differ.
		if err := os.WriteFile(a, []byte("package b\n"), 0o666); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(a, old, old); err != nil {
			t.Fatal(err)
		}
		if read(t, newPkg(dir), file) {
			t.Error("an entry is read for a file whose content changed, with the time set back")
		}
	})
	t.Run("no stamp", func(t *testing.T) {
		dir, file := setup(t)
		writeEntry(file, newPkg(dir).sourceSum(), "", whole)
		p := newPkg(dir)
		if !read(t, p, file) {
			t.Fatal("an entry without a stamp is not read")
		}
		if got := stampOf(t, file); got == "" || got != p.stamp() {
			t.Errorf("the entry's stamp is %q, want %q", got, p.stamp())
		}
	})
	t.Run("just modified", func(t *testing.T) {
		dir, file := setup(t)
		if err := os.WriteFile(filepath.Join(dir, "b.go"), []byte(srcs["b.go"]), 0o666); err != nil {
			t.Fatal(err)
		}
		p := newPkg(dir)
		if p.stamp() != "" {
			t.Fatal("a file modified just now has a stamp")
		}
		writeEntry(file, p.sourceSum(), "", whole)
		if !read(t, p, file) {
			t.Fatal("the entry is not read")
		}
		if got := stampOf(t, file); got != "" {
			t.Errorf("the entry of a file modified just now holds the stamp %q", got)
		}
	})
}
