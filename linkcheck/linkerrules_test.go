package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// loaderOf writes src as the linker's loader.go under a GOROOT of its
// own ("" writes none), and returns that GOROOT.
func loaderOf(t *testing.T, src string) string {
	t.Helper()
	root := t.TempDir()
	if src == "" {
		return root
	}
	file := filepath.Join(root, "src", filepath.FromSlash(loaderGo))
	if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(src), 0o666); err != nil {
		t.Fatal(err)
	}
	return root
}

// The block-list as loader.go writes it: a symbol that some packages may
// pull, and one that none may.
const blockList = `package loader

var blockedLinknames = map[string][]string{
	"runtime.coroswitch": {"iter"},
	"runtime.newcoro":    {"iter", "internal/coro"},
	"internal/runtime/maps.Seed": {},
}
`

// readLinkerRules reads each rule from the shape of the linker's source
// that carries it, and nothing from shapes that only look alike.
func TestReadLinkerRules(t *testing.T) {
	blocked := map[string][]string{"runtime.coroswitch": {"iter"}, "runtime.newcoro": {"iter", "internal/coro"}, "internal/runtime/maps.Seed": {}}
	lines := map[string]int{"runtime.coroswitch": 4, "runtime.newcoro": 5, "internal/runtime/maps.Seed": 6}
	for _, c := range []struct {
		name, more string
		want       linkerRules
	}{
		{"block-list alone", "", linkerRules{}},
		{"go1.26's checkLinkname", `
func (l *Loader) checkLinkname(pkg, name string, s Sym) {
	if l.SymType(s) == 0 { return }
}
`, linkerRules{}},
		{"go1.27's checkLinkname", `
func (l *Loader) checkLinkname(pkg, name string, s Sym) {
	if l.FromAssembly(s) || r.IsLinknameStd() { return }
}
`, linkerRules{assemblyChecked: true, linknameStd: true}},
		{"the variable pulls checked later", "\nvar linknameVarRefs []linknameVarRef\n", linkerRules{varsChecked: true}},
		{"addSym: the new symbol replaces a DUPOK old one", `
func (st *loadState) addSym(name string, ver int, r *oReader, li uint32, kind int, osym *goobj.Sym) Sym {
	if oldsym.Dupok() {
		l.objSyms[oldi] = objSym{r.objidx, li}
		return oldi
	}
	return 0
}
`, linkerRules{dupokLoses: true}},
		{"addSym: a DUPOK old symbol stays", `
func (st *loadState) addSym(name string, ver int, r *oReader, li uint32, kind int, osym *goobj.Sym) Sym {
	if oldsym.Dupok() {
		return oldi
	}
	if newsym.Dupok() {
		l.objSyms[oldi] = objSym{r.objidx, li}
	}
	if l.Dupok(oldsym) {
		l.objSyms[oldi] = objSym{r.objidx, li}
	}
	return 0
}
`, linkerRules{}},
		{"names in other functions", `
func other() {
	if oldsym.Dupok() {
		l.objSyms[oldi] = objSym{}
	}
	_ = l.FromAssembly
}
`, linkerRules{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := readLinkerRules(loaderOf(t, blockList+c.more))
			if err != nil {
				t.Fatal(err)
			}
			c.want.blocked, c.want.blockedLine = blocked, lines
			if !reflect.DeepEqual(*got, c.want) {
				t.Errorf("rules %+v\nwant  %+v", *got, c.want)
			}
		})
	}
}

// A loader.go that linkcheck cannot read its rules from is an error that
// names the file and what is wrong with it.
func TestReadLinkerRulesErrors(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"no loader.go", "", "no such file or directory"},
		{"syntax error", "package loader\n\nvar x = \n", "expected operand"},
		{"no block-list", "package loader\n\nvar other = map[string][]string{\"a\": {}}\n", loaderGo + ": no blockedLinknames"},
		{"an empty block-list", "package loader\n\nvar blockedLinknames = map[string][]string{}\n", loaderGo + ": no blockedLinknames"},
		{"not a literal", "package loader\n\nvar blockedLinknames = readBlocked()\n", loaderGo + ": blockedLinknames is not a map literal"},
		{"an entry without a key", "package loader\n\nvar blockedLinknames = map[string][]string{{\"iter\"}}\n", loaderGo + ": unexpected blockedLinknames entry"},
		{"a key that is not a string", "package loader\n\nvar blockedLinknames = map[string][]string{coroswitch: {\"iter\"}}\n", loaderGo + ": unexpected blockedLinknames entry"},
		{"a list that is not a literal", "package loader\n\nvar blockedLinknames = map[string][]string{\"runtime.coroswitch\": iterOnly}\n", loaderGo + ": unexpected blockedLinknames entry"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := readLinkerRules(loaderOf(t, c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) || r != nil {
				t.Errorf("rules %+v, error %v; want an error with %q", r, err, c.want)
			}
		})
	}
}

// The packages whose C objects the Go linker links itself are read from
// the toolchain's lib.go; a lib.go without the list is an error that
// names the file.
func TestReadInternalPkgs(t *testing.T) {
	internal, err := readInternalPkgs(toolchainOrFail(t).goroot)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"net", "os/user", "runtime/cgo"} {
		if !internal[path] {
			t.Errorf("internalpkg of the running Go: no %s in %v", path, internal)
		}
	}
	for _, c := range []struct{ name, src, want string }{
		{"no list", "package ld\n\nvar other = []string{\"net\"}\n", libGo + ": no internalpkg list"},
		{"an empty list", "package ld\n\nvar internalpkg = []string{}\n", libGo + ": no internalpkg list"},
		{"not a path", "package ld\n\nvar internalpkg = []string{netPath}\n", libGo + ": internalpkg holds something other than a package path"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, filepath.Join(root, "src", filepath.FromSlash(libGo)), c.src)
			if _, err := readInternalPkgs(root); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("readInternalPkgs: %v, want %q", err, c.want)
			}
		})
	}
}
