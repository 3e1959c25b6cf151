package runner

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeWorkspace is a workspace whose examples expect want (by name) and
// whose stdlib module has the path example.com/s; the test runs in it.
func fakeWorkspace(t *testing.T, want map[string]string) {
	t.Helper()
	root := t.TempDir()
	for _, e := range Examples {
		dir := filepath.Join(root, e.Name)
		if err := os.MkdirAll(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		var src strings.Builder
		src.WriteString("package main\n\nfunc Example() {\n\tmain()\n\t// Output:\n")
		for _, line := range strings.Split(strings.TrimSuffix(want[e.Name], "\n"), "\n") {
			src.WriteString("\t// " + line + "\n")
		}
		src.WriteString("}\n")
		os.WriteFile(filepath.Join(dir, "main_test.go"), []byte(src.String()), 0o666)
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/"+e.Name+"\n\ngo 1.23\n"), 0o666)
	}
	wd := mustGetwd(t)
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(root); err != nil {
		t.Fatal(err)
	}
}

// fakeTools answer go build with buildFails (the packages it fails for),
// the plain build of stdlib with plain, and each program with its output
// and exit.
type fakeTools struct {
	buildFails []string
	plain      string
	plainLinks bool
	programs   map[string]string
	exits      map[string]error
	out        strings.Builder
}

func (f *fakeTools) tools() Tools {
	return Tools{
		Go: func(args ...string) ([]byte, error) {
			line := strings.Join(args, " ")
			if strings.Contains(line, os.DevNull) {
				if f.plainLinks {
					return nil, nil
				}
				return []byte(f.plain), errors.New("exit status 1")
			}
			for _, p := range f.buildFails {
				if strings.Contains(line, "./"+p) {
					return []byte("# example.com/" + p + "\n./main.go:1:1: broken\n"), errors.New("exit status 1")
				}
			}
			return nil, nil
		},
		Run: func(path string) (string, error) {
			name := filepath.Base(path)
			return f.programs[name], f.exits[name]
		},
		Bin: "bin",
		Out: &f.out,
	}
}

var allWell = map[string]string{"pull": "A: 3\n", "push": "D: 2\n", "handshake": "H: hi\nX: 12\n", "stdlib": "T: true\n"}

const plainFailure = "# example.com/stdlib\nlink: main: invalid reference to fmt.tooLarge\n"

// Each way an example can go wrong fails the run, with the row and the
// words that say what went wrong; the examples as they expect pass.
func TestRunExamples(t *testing.T) {
	fakeWorkspace(t, allWell)
	with := func(change func(f *fakeTools)) *fakeTools {
		f := &fakeTools{plain: plainFailure, programs: map[string]string{}, exits: map[string]error{}}
		for k, v := range allWell {
			f.programs[k] = v
		}
		change(f)
		return f
	}
	for _, c := range []struct {
		name   string
		change func(f *fakeTools)
		says   []string // in the output; none: the run passes
	}{
		{"all well", func(*fakeTools) {}, []string{
			"$ go build -o bin/ -ldflags=./stdlib=-checklinkname=0 ./pull ./push ./handshake ./stdlib\n$ bin/pull\nA: 3\n",
			"$ go build -o /dev/null ./stdlib\n" + plainFailure,
			"passed: pull, push, handshake, stdlib print what their Examples expect; stdlib does not link without -ldflags=-checklinkname=0\n",
		}},
		{"second line changed", func(f *fakeTools) { f.programs["handshake"] = "H: hi\nX: 13\n" },
			[]string{"FAIL handshake: the output differs from the // Output: comment in handshake/main_test.go\n  want:\n    H: hi\n    X: 12\n  got:\n    H: hi\n    X: 13\n", "FAILED 1 of 5 checks: handshake: output differs"}},
		{"a trailing line", func(f *fakeTools) { f.programs["pull"] = "A: 3\nmore\n" },
			[]string{"FAIL pull: the output differs", "FAILED 1 of 5 checks: pull: output differs"}},
		{"nothing printed", func(f *fakeTools) { f.programs["push"] = "" },
			[]string{"  got:\n    (nothing)\n", "push: output differs"}},
		{"right output, non-zero exit", func(f *fakeTools) { f.exits["push"] = errors.New("exit status 2") },
			[]string{"FAIL push: exit status 2\n", "FAILED 1 of 5 checks: push: does not run"}},
		{"another linker failure", func(f *fakeTools) {
			f.plain = "# example.com/stdlib\nlink: main: invalid reference to fmt.other\n"
		}, []string{"FAIL stdlib: without -ldflags=-checklinkname=0 the build fails, but does not print exactly\n    # example.com/stdlib\n    link: main: invalid reference to fmt.tooLarge\n",
			"stdlib (without the flag): fails with another message"}},
		{"links without its flag", func(f *fakeTools) { f.plainLinks = true },
			[]string{`FAIL stdlib: links without -ldflags=-checklinkname=0; it should fail with "link: main: invalid reference to fmt.tooLarge"`, "links without its flag"}},
		{"one does not build", func(f *fakeTools) { f.buildFails = []string{"push"} },
			[]string{"FAIL push: go build fails (see above)\n", "FAILED 1 of 5 checks: push: does not build"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := with(c.change)
			ok := RunExamples(f.tools(), nil)
			if ok != (c.name == "all well") {
				t.Errorf("RunExamples: %v\n%s", ok, f.out.String())
			}
			for _, s := range c.says {
				if !strings.Contains(f.out.String(), s) {
					t.Errorf("the output does not say %q:\n%s", s, f.out.String())
				}
			}
		})
	}
}

// Examples named alone run alone; an unknown name says which there are;
// an example whose main_test.go has no // Output: fails by saying so.
func TestRunExamplesNamed(t *testing.T) {
	fakeWorkspace(t, allWell)
	f := &fakeTools{plain: plainFailure, programs: allWell}
	if !RunExamples(f.tools(), []string{"pull"}) || !strings.HasSuffix(f.out.String(), "passed: pull prints what its Example expects\n") {
		t.Errorf("pull alone:\n%s", f.out.String())
	}
	f.out.Reset()
	if RunExamples(f.tools(), []string{"nope"}) || f.out.String() != "no example \"nope\"; the examples are: pull, push, handshake, stdlib\n" {
		t.Errorf("an unknown example:\n%s", f.out.String())
	}
	f.out.Reset()
	os.WriteFile(filepath.Join("pull", "main_test.go"), []byte("package main\n"), 0o666)
	if RunExamples(f.tools(), []string{"pull"}) || !strings.Contains(f.out.String(), "FAIL pull: pull/main_test.go has no // Output: comment") {
		t.Errorf("no // Output: comment:\n%s", f.out.String())
	}
	f.out.Reset()
	os.Remove(filepath.Join("stdlib", "go.mod"))
	if RunExamples(f.tools(), []string{"stdlib"}) || !strings.Contains(f.out.String(), "FAIL stdlib: open stdlib/go.mod") {
		t.Errorf("no go.mod:\n%s", f.out.String())
	}
}

func TestOutputCommentAndModulePath(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"// Output:\n// a\n//  b\n//\nfunc", "a\n b\n\n"},
		{"// Output: one\n", "one\n"},
		{"x := 1\n\t// Output:\n\t// a\n\t}\n// b\n", "a\n"},
		{"func Example() {\n\tmain()\n\t// Output:\n\t// a: 1\n\t// b: 2\n}\n", "a: 1\nb: 2\n"},
		{"func Example() {\n\t// Output:\n\t//   indented\n}\n", "  indented\n"},
	} {
		if got, ok := OutputComment(c.src); !ok || got != c.want {
			t.Errorf("OutputComment(%q) = %q, %v; want %q", c.src, got, ok, c.want)
		}
	}
	for _, src := range []string{"// Outputs: a\n", "func Example() {}\n"} {
		if _, ok := OutputComment(src); ok {
			t.Errorf("OutputComment found an output in %q", src)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("// c\nmodule \"example.com/q\"\n"), 0o666)
	if p, err := ModulePath(dir); err != nil || p != "example.com/q" {
		t.Errorf("ModulePath: %q, %v", p, err)
	}
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("go 1.23\n"), 0o666)
	if _, err := ModulePath(dir); err == nil || !strings.HasSuffix(err.Error(), "go.mod has no module line") {
		t.Errorf("no module line: %v", err)
	}
}

func TestNamesAndWords(t *testing.T) {
	if e, ok := Named("stdlib"); !ok || e.Ldflags == "" {
		t.Errorf("Named(stdlib) = %+v, %v", e, ok)
	}
	if _, ok := Named("nope"); ok {
		t.Error("Named(nope) found one")
	}
	if got := strings.Join(Names(), " "); got != "pull push handshake stdlib" {
		t.Errorf("Names: %s", got)
	}
	if got := Indent(""); got != "" {
		t.Errorf("Indent of nothing: %q", got)
	}
	if got := Indent("a\nb\n"); got != "    a\n    b\n" {
		t.Errorf("Indent: %q", got)
	}
	if got := PlainBuildArgs(Examples[3]); strings.Join(got, " ") != "build -o "+os.DevNull+" ./stdlib" {
		t.Errorf("PlainBuildArgs: %q", got)
	}
	if got := Title(Examples[0]) + "|" + Title(Examples[3]) + "|" + PlainTitle(Examples[3]); got != "pull|stdlib (built with -ldflags=-checklinkname=0)|stdlib (without the flag)" {
		t.Errorf("titles: %s", got)
	}
}

// Local's go is the go command on PATH, with the environment given.
func TestLocal(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go"), []byte("#!/bin/sh\necho \"go $* $GREETING\"\n"), 0o777)
	t.Setenv("PATH", dir)
	tools := Local(append(os.Environ(), "GREETING=hi"), "bin", nil)
	if out, err := tools.Go("version"); err != nil || string(out) != "go version hi\n" {
		t.Errorf("Local.Go: %q, %v", out, err)
	}
	if _, err := lookPath("nothing-here"); err == nil {
		t.Error("lookPath found a program that is not there")
	}
}
