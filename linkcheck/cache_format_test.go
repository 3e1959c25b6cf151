package main

import (
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A skeleton's references and roots come back as they went in, a key
// that names nothing among them; a package whose references are not read
// has none. A name that a line cannot hold is refused, not cut.
func TestSkeletonRefs(t *testing.T) {
	for _, s := range []skeleton{
		{Refs: map[string][]string{"p.f": {"p.g", "call String", "q.T"}, "p.g": nil, "p.init": {"p.f"}}, Roots: []string{"p.init", "dot import q"}},
		{Refs: map[string][]string{}},
		{},
	} {
		s.Files = map[string]string{"a.go": "package p\n"}
		data, err := encodeSkeleton(s)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := decodeSkeleton(data)
		if !ok {
			t.Fatalf("%q does not decode", data)
		}
		if !reflect.DeepEqual(got.Refs, s.Refs) || !reflect.DeepEqual(got.Roots, s.Roots) || !reflect.DeepEqual(got.Files, s.Files) {
			t.Errorf("decoded %q, %q, %q; want %q, %q, %q", got.Refs, got.Roots, got.Files, s.Refs, s.Roots, s.Files)
		}
	}
	for _, s := range []skeleton{
		{Refs: map[string][]string{"p.f": {"a\tb"}}},
		{Refs: map[string][]string{"p.f\n": nil}},
		{Refs: map[string][]string{}, Roots: []string{""}},
	} {
		if data, err := encodeSkeleton(s); err == nil {
			t.Errorf("%q, %q encoded as %q", s.Refs, s.Roots, data)
		}
	}
}

// stripComments leaves what the parser reads as it was: the same tokens
// at the same places, //line comments obeyed. Only a line break that a
// comment stood for ends its statement a little later on the line.
func TestStripComments(t *testing.T) {
	tc := toolchainOrFail(t)
	sources := map[string]string{"sample.go": "// Package p.\npackage p /* here */ ; import \"fmt\"\n\n" +
		"//go:noinline\nfunc f() /* x\ny */ { fmt.Println(/* inline */ 1) } // after\n" +
		"//line other.go:100:5\nvar v = 1 /* one */ + 2\n/*line third.go:7:3*/var w int\nvar s = \"// not a comment\" + `/* nor this */`\n" +
		"var r = '/' // last, without a newline"}
	for _, pkgDir := range []string{"runtime", "syscall"} {
		dir := filepath.Join(tc.goroot, "src", pkgDir)
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(names) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			sources[name] = string(data)
		}
	}
	for name, src := range sources {
		stripped := stripComments([]byte(src))
		if name == "sample.go" && (strings.Contains(stripped, "here") || strings.Contains(stripped, "inline") || strings.Contains(stripped, "after") ||
			strings.Contains(stripped, "last") || !strings.Contains(stripped, "// not a comment") || !strings.Contains(stripped, "/* nor this */")) {
			t.Errorf("sample.go stripped:\n%s", stripped)
		}
		want, got := tokens(name, src), tokens(name, stripped)
		if len(got) != len(want) {
			t.Errorf("%s: %d tokens, %d stripped", name, len(want), len(got))
			continue
		}
		for i := range want {
			if want[i] != got[i] {
				t.Errorf("%s: %s, stripped %s", name, want[i], got[i])
				break
			}
		}
	}
}

// tokens lists what the parser reads of src: each token, and where it is
// but for the semicolons that line breaks stand for.
func tokens(name, src string) []string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile(name, -1, len(src)), []byte(src), nil, 0)
	var list []string
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return list
		}
		if tok == token.SEMICOLON && lit == "\n" {
			list = append(list, "newline")
			continue
		}
		list = append(list, fset.Position(pos).String()+" "+tok.String()+" "+lit)
	}
}

// A body verdict's entry is named by where the package's files and its
// dependencies' are: it changes with any of their folders, file lists
// or import paths, and only then.
func TestVerdictKey(t *testing.T) {
	name := func(change func(p, q *pkg)) string {
		tc := &toolchain{version: "go1.26.8", goos: "linux", goarch: "amd64", cacheDir: "/cache", modCache: "/mod"}
		q := &pkg{ImportPath: "example.com/q", Dir: "/mod/example.com/q@v1.0.0", GoFiles: []string{"q.go"}}
		p := &pkg{ImportPath: "example.com/p", Dir: "/mod/example.com/p@v1.0.0", GoFiles: []string{"p.go"}, Deps: []string{"example.com/q"}}
		change(p, q)
		prog := &program{tc: tc, pkgs: []*pkg{q, p}, byPath: map[string]*pkg{q.ImportPath: q, p.ImportPath: p}}
		return (&analysis{program: prog}).verdictFile(p)
	}
	base := name(func(p, q *pkg) {})
	if base == "" || base != name(func(p, q *pkg) {}) {
		t.Fatalf("verdict entry %q, then %q", base, name(func(p, q *pkg) {}))
	}
	for what, change := range map[string]func(p, q *pkg){
		"the dependency's folder": func(p, q *pkg) { q.Dir = "/mod/example.com/q@v1.0.1" },
		"the dependency's files":  func(p, q *pkg) { q.GoFiles = append(q.GoFiles, "r.go") },
		"the package's files":     func(p, q *pkg) { p.SFiles = []string{"p_amd64.s"} },
		"a file moved between them": func(p, q *pkg) {
			p.GoFiles, q.GoFiles = []string{"p.go", "q.go"}, nil
		},
	} {
		if got := name(change); got == base {
			t.Errorf("with another %s, the same entry %s", what, got)
		}
	}
}
