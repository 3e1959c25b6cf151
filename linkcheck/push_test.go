package main

import (
	"maps"
	"path/filepath"
	"testing"
)

// twoPushes is a module in which two packages push a body into one
// symbol: a program that links both has two definitions of it.
var twoPushes = map[string]string{
	"c/c.go": "package c\n\nimport _ \"unsafe\"\n\n//go:linkname F\nfunc F() int\n",
	"a/a.go": "package a\n\nimport _ \"unsafe\"\n\n//go:linkname f example.test/c.F\nfunc f() int { return 1 }\n",
	"b/b.go": "package b\n\nimport _ \"unsafe\"\n\n//go:linkname f example.test/c.F\nfunc f() int { return 2 }\n",
	"main.go": "package main\n\nimport (\n\t_ \"example.test/a\"\n\t_ \"example.test/b\"\n\t\"example.test/c\"\n)\n\n" +
		"func main() { println(c.F()) }\n",
	"one/main.go": "package main\n\nimport (\n\t_ \"example.test/a\"\n\t\"example.test/c\"\n)\n\nfunc main() { println(c.F()) }\n",
	"two/main.go": "package main\n\nimport (\n\t_ \"example.test/b\"\n\t\"example.test/c\"\n)\n\nfunc main() { println(c.F()) }\n",
}

// Two pushes into one symbol fail the link of a program that links both
// (duplicated definition), and not of one that links only one of them.
func TestTwoPushes(t *testing.T) {
	dir := writeModule(t, twoPushes)
	findings, links := buildAndPredict(t, dir, ".")
	dups := 0
	for _, f := range findings {
		if f.Reason == reasonDuplicateDef {
			dups++
		}
	}
	if links || dups != 2 {
		t.Errorf("both pushes linked: the build links %v, %d duplicate definitions predicted, want 2", links, dups)
	}
	findings, links = buildAndPredict(t, dir, "./one")
	if !links || len(findings) != 2 || findings[0].Reason == reasonDuplicateDef || findings[1].Reason == reasonDuplicateDef {
		t.Errorf("one push linked: the build links %v, findings %+v", links, findings)
	}
	// Two programs checked at once, each linking one push: neither has
	// two definitions, as neither build does.
	prog, err := load(toolchainOrFail(t), dir, []string{"./one", "./two"}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range analyze(prog, options{}) {
		if f.Reason == reasonDuplicateDef {
			t.Errorf("./one ./two: %s: %s", f.Pos, f.Why)
		}
	}
	if _, links := buildAndPredict(t, dir, "./two"); !links {
		t.Error("./two does not link")
	}
	// Checked as libraries, a and b meet in no program that they make
	// link: neither imports the other. A library that imports a and
	// pushes too clashes with a in every program that links it, as the
	// build of such a program shows.
	dir = writeModule(t, map[string]string{"c/c.go": twoPushes["c/c.go"], "a/a.go": twoPushes["a/a.go"], "b/b.go": twoPushes["b/b.go"],
		"ab/ab.go":      "package ab\n\nimport (\n\t_ \"unsafe\"\n\n\t_ \"example.test/a\"\n)\n\n//go:linkname f example.test/c.F\nfunc f() int { return 3 }\n",
		"useab/main.go": "package main\n\nimport (\n\t_ \"example.test/ab\"\n\t\"example.test/c\"\n)\n\nfunc main() { println(c.F()) }\n"})
	prog, err = load(toolchainOrFail(t), dir, []string{"./a", "./b", "./ab"}, "")
	if err != nil {
		t.Fatal(err)
	}
	clash := map[string]bool{}
	for _, f := range analyze(prog, options{}) {
		clash[filepath.Dir(f.Pos)] = clash[filepath.Dir(f.Pos)] || f.Reason == reasonDuplicateDef
	}
	if want := map[string]bool{"a": true, "b": false, "ab": true}; !maps.Equal(clash, want) {
		t.Errorf("duplicate definitions by folder %v, want %v", clash, want)
	}
	if _, links := buildAndPredict(t, dir, "./useab"); links {
		t.Error("a program that links ab links")
	}
}
