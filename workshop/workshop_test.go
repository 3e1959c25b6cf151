package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The tests run from the workspace root, as the workshop does, and drive
// the whole workspace: with GOWORK=off (cd workshop && GOWORK=off go test)
// the go commands they start would see one module alone.
func TestMain(m *testing.M) {
	os.Unsetenv("GOWORK")
	if err := os.Chdir(".."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// fake is a toolchain made of recorded answers: go maps the go command's
// arguments (joined by spaces) to what it prints and whether it fails,
// programs maps a binary's path to its output.
type fake struct {
	goAnswers map[string]answer
	programs  map[string]string
	// exits maps a program's path to the error it ends with, as a
	// program that prints and then exits non-zero.
	exits     map[string]error
	linkcheck map[string]string
	out       strings.Builder
}

type answer struct {
	out  string
	fail bool
}

func (f *fake) tools(t *testing.T) tools {
	return tools{
		goCmd: func(args ...string) ([]byte, error) {
			// The longest prefix of the command line that has an answer.
			key := strings.Join(args, " ")
			best, found := "", false
			for prefix := range f.goAnswers {
				if strings.HasPrefix(key, prefix) && len(prefix) >= len(best) {
					best, found = prefix, true
				}
			}
			if !found {
				t.Errorf("the fake go command has no answer for: go %s", key)
				return nil, errors.New("no answer")
			}
			if a := f.goAnswers[best]; a.fail {
				return []byte(a.out), errors.New("exit status 1")
			}
			return []byte(f.goAnswers[best].out), nil
		},
		run: func(path string) (string, error) {
			out, ok := f.programs[path]
			if !ok {
				return "", errors.New("no such program: " + path)
			}
			return out, f.exits[path]
		},
		linkcheck: func(args ...string) ([]byte, error) {
			return []byte(f.linkcheck[args[len(args)-1]]), nil
		},
		bin: "bin",
		out: &f.out,
	}
}

const stdlibFailure = "# example.com/linkname/stdlib\nlink: main: invalid reference to fmt.tooLarge\n"

// passingExamples is a fake toolchain on which every example does what it
// should.
func passingExamples(t *testing.T) *fake {
	f := &fake{goAnswers: map[string]answer{
		"build -o bin/ ":                 {},
		"build -o " + os.DevNull + " ./": {out: stdlibFailure, fail: true},
	}, programs: map[string]string{}, exits: map[string]error{}}
	for _, e := range examples {
		out, err := expectedOutput(e.name)
		if err != nil {
			t.Fatal(err)
		}
		f.programs["bin/"+e.name+exeSuffix()] = out
	}
	return f
}

// What run-all prints when all is well is exactly the README's block.
func TestRunAllPrintsTheREADMEsTranscript(t *testing.T) {
	f := passingExamples(t)
	if !runExamples(f.tools(t), nil) {
		t.Fatalf("run-all failed on a toolchain where all is well:\n%s", f.out.String())
	}
	want, err := runAllTranscript()
	if err != nil {
		t.Fatal(err)
	}
	if got := "$ make run-all\n" + f.out.String(); got != want {
		t.Errorf("run-all printed\n%s\nthe README's block says\n%s", got, want)
	}
}

func TestRunAllReportsEachFailure(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(f *fake)
		want   []string // in what run-all prints
	}{
		{"wrong output", func(f *fake) { f.programs["bin/pull"] = "Add(1, 2): 4\n" },
			[]string{"FAIL pull: the output differs", "Add(1, 2): 4", "FAILED 1 of 5 checks: pull: output differs"}},
		{"no output", func(f *fake) { f.programs["bin/push"] = "" },
			[]string{"FAIL push: the output differs", "(nothing)", "push: output differs"}},
		{"program crashes", func(f *fake) { delete(f.programs, "bin/handshake") },
			[]string{"FAIL handshake: no such program", "handshake: does not run"}},
		{"a build fails", func(f *fake) {
			f.goAnswers[strings.Join(buildArgs(examples, "bin"), " ")] = answer{out: "push/main.go:1: broken\n", fail: true}
			f.goAnswers["build -o bin/ ./push"] = answer{out: "push/main.go:1: broken\n", fail: true}
		}, []string{"push/main.go:1: broken", "FAIL push: go build fails", "FAILED 1 of 5 checks: push: does not build"}},
		{"links without the flag", func(f *fake) { f.goAnswers["build -o "+os.DevNull+" ./"] = answer{} },
			[]string{"FAIL stdlib: links without -ldflags=-checklinkname=0", "stdlib (without the flag): links without its flag"}},
		{"fails for another reason", func(f *fake) {
			f.goAnswers["build -o "+os.DevNull+" ./"] = answer{out: "# example.com/linkname/stdlib\nsomething else\n", fail: true}
		}, []string{"does not print exactly", "stdlib (without the flag): fails with another message"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := passingExamples(t)
			c.change(f)
			if runExamples(f.tools(t), nil) {
				t.Errorf("run-all passed")
			}
			for _, w := range c.want {
				if !strings.Contains(f.out.String(), w) {
					t.Errorf("run-all does not say %q; it printed:\n%s", w, f.out.String())
				}
			}
		})
	}
}

func TestRunUnknownExample(t *testing.T) {
	f := &fake{}
	if runExamples(f.tools(t), []string{"nope"}) || !strings.Contains(f.out.String(), `no example "nope"; the examples are: pull, push, handshake, stdlib`) {
		t.Errorf("got %q", f.out.String())
	}
}

// oneCase is a lab case with one check, for the lab's failure paths.
func oneCase(want verdict) []*labCase {
	return []*labCase{{
		name:    "a-case",
		overlay: map[string]string{"pull/main.go": "lab/a-case/pull/main.go"},
		pkg:     "./pull",
		checks:  []labCheck{{want: map[string]verdict{"go1.26": want}}},
	}}
}

func TestLabReportsEachFailure(t *testing.T) {
	fails := verdict{kind: "fails", text: "link: main: invalid reference to fmt.tooLarge"}
	runs := verdict{kind: "runs", text: "hi\n"}
	for _, c := range []struct {
		name   string
		want   verdict
		answer answer
		output string // what the built program prints
		ok     bool
	}{
		{"fails as recorded", fails, answer{out: "# p\nlink: main: invalid reference to fmt.tooLarge\n", fail: true}, "", true},
		{"fails with another text", fails, answer{out: "# p\nlink: main: invalid reference to fmt.Println\n", fail: true}, "", false},
		{"links where it should fail", fails, answer{}, "", false},
		{"fails where it should run", runs, answer{out: "missing function body\n", fail: true}, "", false},
		{"runs as recorded", runs, answer{}, "hi\n", true},
		{"runs and prints something else", runs, answer{}, "ho\n", false},
		{"fails where it should build", verdict{kind: "builds"}, answer{out: "x\n", fail: true}, "", false},
		{"go vet is silent", verdict{kind: "vet-silent"}, answer{}, "", true},
		{"go vet speaks", verdict{kind: "vet-silent"}, answer{out: "pull/main.go:3: suspicious\n"}, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fake{goAnswers: map[string]answer{"": c.answer}}
			tc := f.tools(t)
			tc.bin = t.TempDir()
			f.programs = map[string]string{tc.bin + "/lab/a-case" + exeSuffix(): c.output}
			results := runLabChecks(tc, oneCase(c.want), "go1.26")
			if ok := reportLab(tc, results, false); ok != c.ok {
				t.Errorf("the lab says ok = %v, want %v; it printed:\n%s", ok, c.ok, f.out.String())
			}
			if !c.ok && !strings.Contains(f.out.String(), "FAIL  a-case") {
				t.Errorf("the failure is not named:\n%s", f.out.String())
			}
		})
	}
}

func TestLabWithNoCaseFails(t *testing.T) {
	f := &fake{}
	if reportLab(f.tools(t), nil, false) {
		t.Error("a lab that ran nothing passed")
	}
}

// linkcheck's prediction against what the toolchain printed, one way.
func TestAgreementWithLinkcheck(t *testing.T) {
	failed := "# example.com/linkname/stdlib\nlink: main: invalid reference to fmt.tooLarge\n"
	predict := func(text string) string {
		return fmt.Sprintf(`[{"pos": "stdlib/main.go:19", "local": "TooLarge", "target": "fmt.tooLarge", "mode": "pull", "build_fails": %q}]`, text)
	}
	for _, c := range []struct {
		name       string
		buildOut   string
		buildFails bool
		linkcheck  string
		known      map[string]string
		ok         bool
		says       string
	}{
		{"both fail alike", failed, true, predict("link: main: invalid reference to fmt.tooLarge"), nil, true, "agrees    a-case"},
		{"another text", failed, true, predict("link: main: invalid reference to fmt.Println"), nil, false, "which the go command did not print"},
		{"predicts a link", failed, true, `[{"pos": "x.go:1", "mode": "pull"}]`, nil, false, "but linkcheck predicts it links"},
		{"predicts a failure that links", "", false, predict("missing function body"), nil, false, "the build links, but linkcheck predicts"},
		{"a known disagreement", "", false, predict("missing function body"), map[string]string{"a-case on go1.26": "why"}, true, "KNOWN     a-case"},
		{"a known disagreement that went away", failed, true, predict("link: main: invalid reference to fmt.tooLarge"), map[string]string{"a-case on go1.26": "why"}, false, "FIXED"},
		{"not JSON", failed, true, "linkcheck: usage", nil, false, "ERROR"},
		{"a prediction that holds the output", "missing function body\n", true, predict("x.go:1: missing function body\n and more"), nil, false, "which the go command did not print"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fake{linkcheck: map[string]string{"./pull": c.linkcheck}}
			r := labResult{c: oneCase(verdict{})[0], want: verdict{kind: "fails"}, overlay: "o.json", buildOut: c.buildOut}
			if c.buildFails {
				r.buildErr = errors.New("exit status 1")
			}
			if ok := agreeWithLinkcheck(f.tools(t), []labResult{r}, "go1.26", c.known); ok != c.ok || !strings.Contains(f.out.String(), c.says) {
				t.Errorf("ok = %v, want %v, and a line with %q; it printed:\n%s", ok, c.ok, c.says, f.out.String())
			}
		})
	}
	f := &fake{}
	if agreeWithLinkcheck(f.tools(t), nil, "go1.26", nil) {
		t.Error("an agreement check over zero lab builds passed")
	}
}

const header = "// Breaks a rule.\n//\n// Because.\n//\n"

func TestParseLabCase(t *testing.T) {
	src := header + `//lab:delete foo/foo.s
//lab:why go1.26 Old reason.
//lab:why go1.27 New reason.
//lab:want go1.26 builds
//lab:want go1.27 fails "no \"way\""
//lab:want go1.26 go1.27 -ldflags=-checklinkname=0 runs "hi\n"
//lab:want go1.26 go1.27 vet-silent
package main
`
	c, err := parseLabCase("a-case", "lab/a-case/pull/main.go", src)
	if err != nil {
		t.Fatal(err)
	}
	if c.name != "a-case" || c.title != "Breaks a rule." || c.why != "Because." || c.overlay["foo/foo.s"] != "" {
		t.Errorf("name, title, why, overlay = %q, %q, %q, %q", c.name, c.title, c.why, c.overlay)
	}
	if whyCell(c) != "go1.26: Old reason.<br>go1.27: New reason." {
		t.Errorf("why cell: %q", whyCell(c))
	}
	if len(c.checks) != 3 {
		t.Fatalf("%d checks, want 3 (plain build, flagged build, vet)", len(c.checks))
	}
	if got := c.checks[0].want["go1.27"]; got != (verdict{kind: "fails", text: `no "way"`}) {
		t.Errorf("go1.27: %v", got)
	}
	if got := c.checks[1]; strings.Join(got.flags, " ") != "-ldflags=-checklinkname=0" || got.want["go1.27"].text != "hi\n" {
		t.Errorf("flagged check: %+v", got)
	}
	if got := describeCheck(c.checks[0]); got != "go1.26: builds; go1.27: fails: `no \"way\"`" {
		t.Errorf("describeCheck: %q", got)
	}
}

func TestParseLabCaseErrors(t *testing.T) {
	for _, src := range []string{
		"//lab:want builds\n",                        // no version
		"//lab:want go1.26 go1.27 fails\n",           // no text
		"//lab:want go1.26 go1.27 fails unquoted\n",  // not a Go string
		"//lab:want go1.26 go1.27 explodes\n",        // unknown verdict
		"//lab:want go1.26 go1.27 runs-as nowhere\n", // unknown example
		"//lab:want go1.26 go1.27 builds\n//lab:want go1.26 builds\n",
		"//lab:want go1.26 builds\n",                                    // nothing for go1.27
		"//lab:want go1.26 go1.27 go1.99 builds\n",                      // a Go not on record
		"//lab:frobnicate\n//lab:want go1.26 go1.27 builds\n",           // unknown directive
		"//lab:build ./pull\n",                                          // no //lab:want
		"//lab:why go1.26 Only one.\n//lab:want go1.26 go1.27 builds\n", // why for one version
		"//lab:want go1.26+ builds\n//lab:want go1.27 builds\n",         // go1.27 twice
		"//lab:want go1.27 builds\n//lab:want go1.26+ builds\n",         // go1.27 twice, the other way round
		"//lab:want go1.26+ builds\n//lab:want go1.27+ builds\n",        // two onward lines
		"//lab:want go1.25+ builds\n",                                   // from a Go not on record
		"//lab:want go1.27+ builds\n",                                   // nothing for go1.26
		"//lab:want go1.26++ builds\n",                                  // not a version
		"//lab:why go1.26+ One.\n//lab:why go1.27 Two.\n//lab:want go1.26+ builds\n",
	} {
		if _, err := parseLabCase("bad", "lab/bad/pull/main.go", header+src); err == nil {
			t.Errorf("parseLabCase accepted %q", src)
		}
	}
	if _, err := parseLabCase("bare", "lab/bare/pull/main.go", "//lab:want go1.26 go1.27 builds\n"); err == nil {
		t.Error("parseLabCase accepted a case with no header saying what it breaks and why")
	}
	if c, err := parseLabCase("companion", "lab/x/bar/c.go", "package bar\n"); c != nil || err != nil {
		t.Errorf("a file with no //lab: line is a companion, not a case: %v, %v", c, err)
	}
}

// labFS is a small workspace with a lab of one case, a-case, which
// replaces pull/main.go and adds bar/extra.go.
func labFS() fstest.MapFS {
	return fstest.MapFS{
		"pull/main.go":               {Data: []byte("package main\n")},
		"bar/bar.go":                 {Data: []byte("package bar\n")},
		"lab/order.txt":              {Data: []byte("# the lesson\na-case\n")},
		"lab/a-case/pull/main.go":    {Data: []byte(header + "//lab:want go1.26 go1.27 builds\npackage main\n")},
		"lab/a-case/bar/extra.go":    {Data: []byte("package bar\n")},
		"lab/b-case/pull/main.go":    {Data: []byte(header + "//lab:want go1.26 go1.27 builds\npackage main\n")},
		"lab/b-case/pull/comment.go": {Data: []byte("package main\n")},
	}
}

func TestLoadLab(t *testing.T) {
	fsys := labFS()
	fsys["lab/order.txt"] = &fstest.MapFile{Data: []byte("b-case\na-case\n")}
	cases, err := loadLab(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if names := caseNames(cases); !slices.Equal(names, []string{"b-case", "a-case"}) {
		t.Errorf("cases %v, want the order of order.txt", names)
	}
	a := cases[1]
	if a.pkg != "./pull" || a.overlay["pull/main.go"] != "lab/a-case/pull/main.go" || a.overlay["bar/extra.go"] != "lab/a-case/bar/extra.go" {
		t.Errorf("a-case: pkg %q, overlay %v", a.pkg, a.overlay)
	}
}

func TestLoadLabErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(fstest.MapFS)
		says   string
	}{
		{"a case the order leaves out", func(fsys fstest.MapFS) {}, "lab/b-case: a case that lab/order.txt does not list"},
		{"a name with no folder", func(fsys fstest.MapFS) {
			fsys["lab/order.txt"] = &fstest.MapFile{Data: []byte("a-case\nb-case\nc-case\n")}
		}, "there is no folder lab/c-case"},
		{"a loose file", func(fsys fstest.MapFS) { fsys["lab/notes.go"] = &fstest.MapFile{} }, "lab/notes.go: a file in lab/ that is not a case folder"},
		{"a file for no folder", func(fsys fstest.MapFS) { fsys["lab/a-case/baz/x.go"] = &fstest.MapFile{} }, "baz is not a folder of the workspace"},
		{"a file at the case's top", func(fsys fstest.MapFS) { fsys["lab/a-case/x.go"] = &fstest.MapFile{} }, ". is not a folder of the workspace"},
		{"not Go", func(fsys fstest.MapFS) { fsys["lab/a-case/pull/notes.txt"] = &fstest.MapFile{} }, "neither a Go nor an assembly file"},
		{"//lab: lines but no want", func(fsys fstest.MapFS) {
			fsys["lab/a-case/bar/extra.go"] = &fstest.MapFile{Data: []byte("//lab:build ./bar\npackage bar\n")}
		}, "//lab: lines but no //lab:want"},
		{"two case files", func(fsys fstest.MapFS) {
			fsys["lab/a-case/bar/extra.go"] = &fstest.MapFile{Data: []byte(header + "//lab:want go1.26 go1.27 builds\npackage bar\n")}
		}, "two case files"},
		{"no case file", func(fsys fstest.MapFS) { delete(fsys, "lab/a-case/pull/main.go") }, "lab/a-case: no case file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := labFS()
			if c.name != "a case the order leaves out" {
				fsys["lab/order.txt"] = &fstest.MapFile{Data: []byte("a-case\nb-case\n")}
			}
			c.change(fsys)
			_, err := loadLab(fsys)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("loadLab: %v; want an error saying %q", err, c.says)
			}
		})
	}
}

// The lab in lab/ loads, and every case named in the order exists.
func TestTheLabLoads(t *testing.T) {
	if _, err := loadLab(os.DirFS(".")); err != nil {
		t.Fatal(err)
	}
}

// A Go not on record is held to the nearest record, and flagged.
func TestExpectationForUnknownVersion(t *testing.T) {
	check := labCheck{want: map[string]verdict{
		"go1.26": {kind: "builds"},
		"go1.27": {kind: "fails", text: "no"},
	}}
	for _, c := range []struct {
		version, kind string
		flagged       bool
	}{
		{"go1.26", "builds", false},
		{"go1.27", "fails", false},
		{"go1.23", "builds", true},
		{"go1.25", "builds", true},
		{"go1.30", "fails", true},
	} {
		v, unverified := check.expectation(c.version)
		if v.kind != c.kind || (unverified != "") != c.flagged {
			t.Errorf("%s: %v, %q; want %s, flagged %v", c.version, v, unverified, c.kind, c.flagged)
		}
	}
}

func TestMinorVersion(t *testing.T) {
	for in, want := range map[string]string{
		"go1.26.8": "go1.26", "go1.27": "go1.27", "go1.28rc1": "go1.28", "devel +abc": "devel +abc",
	} {
		if got := minorVersion(in); got != want {
			t.Errorf("minorVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDocumentProblems(t *testing.T) {
	makefile := document{"Makefile", makefileSyntax, []string{"examples"}}
	fresh := "# generated by make docs from: examples; do not edit\nEXAMPLES := pull push handshake stdlib\n# end generated\n"
	readme := document{"README.md", markdown, []string{"recorded-go"}}
	recorded, err := generate("recorded-go")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		doc   document
		src   string
		stale bool
		says  string // in a problem; "" for none
	}{
		{"fresh", makefile, fresh, false, ""},
		{"stale", makefile, strings.Replace(fresh, " stdlib", "", 1), true, ""},
		{"deleted with its markers", makefile, "EXAMPLES := pull\n", false, `no block generated from "examples"`},
		{"twice", makefile, fresh + fresh, false, `2 blocks generated from "examples"`},
		{"undeclared", makefile, fresh + "# generated by make docs from: recorded-go; do not edit\n" + recorded + "# end generated\n", false, "does not declare"},
		{"broken opening marker", readme, "<!-- generated by make docs from: recorded-go -->\n<!-- end generated -->\n", false, "the marker should end with"},
		{"never closed", readme, "<!-- generated by make docs from: recorded-go; do not edit -->\n", false, "never closed"},
		{"closed twice", readme, "<!-- end generated -->\n", false, "with no block open"},
		{"a mangled end", readme, "<!-- generated by make docs from: recorded-go; do not edit -->\n<!-- end generated\n", false, "a broken marker"},
		{"unknown source", document{"x.md", markdown, nil}, "<!-- generated by make docs from: nothing; do not edit -->\n<!-- end generated -->\n", false, `unknown source "nothing"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			text, stale, problems := renderDocument(c.doc, c.src)
			if (len(stale) > 0) != c.stale {
				t.Errorf("stale: %q, want stale = %v", stale, c.stale)
			}
			if got := strings.Join(problems, "\n"); c.says == "" && got != "" || !strings.Contains(got, c.says) {
				t.Errorf("problems: %q; want one saying %q", got, c.says)
			}
			if c.stale && text != fresh {
				t.Errorf("regenerated:\n%s\nwant:\n%s", text, fresh)
			}
		})
	}
}

// docs -check fails on a stale block and writes nothing; docs mends it.
func TestDocsCheckReportsStaleBlocks(t *testing.T) {
	file := t.TempDir() + "/doc.md"
	stale := "<!-- generated by make docs from: recorded-go; do not edit -->\nold\n<!-- end generated -->\n"
	os.WriteFile(file, []byte(stale), 0o666)
	var out strings.Builder
	d := document{file, markdown, []string{"recorded-go"}}
	if updateDocument(&out, d, true) || !strings.Contains(out.String(), "is stale") {
		t.Errorf("docs -check passed a stale block: %q", out.String())
	}
	if data, _ := os.ReadFile(file); string(data) != stale {
		t.Error("docs -check wrote the file")
	}
	if !updateDocument(&out, d, false) || !updateDocument(&out, d, true) {
		t.Errorf("docs did not mend the block: %s", out.String())
	}
	if updateDocument(&out, document{file + ".gone", markdown, nil}, true) {
		t.Error("a missing declared document passed")
	}
}

func TestFindDocuments(t *testing.T) {
	docs, err := findDocuments(fstest.MapFS{
		"README.md":           {},
		"TEACHING.md":         {},
		"bin/x/README.md":     {},
		".git/README.md":      {},
		"linkcheck/README.md": {},
		"exercises/README.md": {},
	})
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, d := range docs[len(documents):] {
		extra = append(extra, d.path)
	}
	// linkcheck/README.md is declared; the others are found.
	if !slices.Equal(extra, []string{"TEACHING.md", "exercises/README.md"}) {
		t.Errorf("undeclared documents found: %v", extra)
	}
}

func TestRegion(t *testing.T) {
	src := "package p\n\n// region call\nx := f()\n// endregion\n\n// region open\ny\n"
	if got, err := region(src, "call"); err != nil || got != "x := f()\n" {
		t.Errorf("region call: %q, %v", got, err)
	}
	for _, name := range []string{"open", "absent"} {
		if _, err := region(src, name); err == nil {
			t.Errorf("region %s: no error", name)
		}
	}
	if got := withoutRegionMarkers(src); strings.Contains(got, "region") {
		t.Errorf("the markers stay in a whole file: %q", got)
	}
}

func TestBenchReport(t *testing.T) {
	record := "goversion: go1.26.8\ncpu: Some CPU\n" +
		"BenchmarkAdd/direct-2 1 1.0 ns/op\nBenchmarkAdd/direct-2 1 2.0 ns/op\nBenchmarkAdd/direct-2 1 3.0 ns/op\n" +
		"BenchmarkAdd/linkname-2 1 4.0 ns/op\nBenchmarkAdd/linkname-2 1 5.0 ns/op\nBenchmarkAdd/linkname-2 1 6.0 ns/op\n" +
		"BenchmarkClock/now-2 1 10 ns/op\nBenchmarkClock/now-2 1 20 ns/op\nBenchmarkClock/now-2 1 30 ns/op\n" +
		"BenchmarkClock/nanotime-2 1 15 ns/op\nBenchmarkClock/nanotime-2 1 16 ns/op\nBenchmarkClock/nanotime-2 1 40 ns/op\n"
	got, err := benchReport(record)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"with go1.26.8 on Some CPU, 3 runs of each",
		"| Add | `direct` | 1.00 / 2.00 / 3.00 | `linkname` | 4.00 / 5.00 / 6.00 | 2.50× |",
		"- Add: `linkname` was slower than `direct` in every run.",
		"- Clock: the runs of `nanotime` and `now` overlap: this record shows no consistent difference.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
}

// make test's steps, by name: dropping one from the list fails here.
func TestMakeTestSteps(t *testing.T) {
	var names []string
	for _, s := range testSteps() {
		names = append(names, s.name)
	}
	want := []string{"gofmt", "standard library only", "go vet", "go test", "run-all", "bin/linkcheck",
		"lab, and linkcheck against it", "linkcheck the workspace", "docs -check", "no go.work.sum"}
	if !slices.Equal(names, want) {
		t.Errorf("make test's steps are\n%q\nwant\n%q", names, want)
	}
}

func TestRequirementsAreWorkspaceModules(t *testing.T) {
	var out strings.Builder
	tc := tools{out: &out}
	modules := []module{
		{dir: "./bar", path: "example.com/linkname/bar"},
		{dir: "./pull", path: "example.com/linkname/pull", requires: []string{"example.com/linkname/bar"}},
	}
	if !checkRequirements(tc, modules) {
		t.Errorf("workspace requirements refused: %s", out.String())
	}
	modules[0].requires = []string{"golang.org/x/tools"}
	if checkRequirements(tc, modules) || !strings.Contains(out.String(), "./bar/go.mod requires golang.org/x/tools") {
		t.Errorf("a third-party requirement passed: %s", out.String())
	}
}

// The workspace's own modules, as the go command reads them.
func TestWorkspaceModules(t *testing.T) {
	modules, err := workspaceModules(localTools("", "bin", nil))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if len(modules) < len(examples) || !checkRequirements(tools{out: &out}, modules) {
		t.Errorf("modules %v: %s", modules, out.String())
	}
}

// make bench writes its record only when asked.
func TestBenchRecordsOnlyWhenAsked(t *testing.T) {
	run := "cpu: Some CPU\nBenchmarkAdd/direct-2 1 1.0 ns/op\nBenchmarkAdd/linkname-2 1 3.0 ns/op\n"
	f := &fake{goAnswers: map[string]answer{"test -run": {out: run}, "env GOVERSION": {out: "go1.26.8\n"}}}
	record := t.TempDir() + "/bench.txt"
	if !bench(f.tools(t), record, []string{"-count", "1"}) || fileExists(record) {
		t.Fatalf("make bench without RECORD=1 wrote %s, or failed:\n%s", record, f.out.String())
	}
	if !bench(f.tools(t), record, []string{"-count=1", "-record"}) {
		t.Fatalf("make bench RECORD=1 failed:\n%s", f.out.String())
	}
	if data, _ := os.ReadFile(record); string(data) != "goversion: go1.26.8\n"+run {
		t.Errorf("the record holds %q", data)
	}
	if bench(f.tools(t), record, []string{"-count", "0"}) {
		t.Error("make bench COUNT=0 passed")
	}
}

// When the go command cannot start a toolchain, the error quotes its
// reason.
func TestGoVersionQuotesTheGoCommand(t *testing.T) {
	reason := "go: downloading go1.27.3 (linux/amd64)\ngo: download go1.27.3: golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64.zip: dial tcp: lookup proxy.golang.org: no such host"
	f := &fake{goAnswers: map[string]answer{"env GOVERSION": {out: reason, fail: true}}}
	if _, err := f.tools(t).goVersion(); err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Errorf("goVersion: %v", err)
	}
}

// The plain build is asked every time: a second run in which it links
// (GOFLAGS=-ldflags=-checklinkname=0, say) must fail.
func TestPlainBuildIsNotRemembered(t *testing.T) {
	f := passingExamples(t)
	if !runExamples(f.tools(t), nil) {
		t.Fatalf("first run failed:\n%s", f.out.String())
	}
	f.goAnswers["build -o "+os.DevNull+" ./"] = answer{}
	if runExamples(f.tools(t), nil) {
		t.Error("the second run passed although the plain build links now")
	}
}

// The matrix's table for a subset of versions, and for a Go not on record.
func TestRecordedMatrixColumns(t *testing.T) {
	one, err := recordedMatrix([]string{"go1.26"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(one, "| Example or lab case | go1.26 |\n") || !strings.Contains(one, "| `runtime-assembly` | builds |\n") {
		t.Errorf("go1.26 alone:\n%s", one)
	}
	old, _ := recordedMatrix([]string{"go1.25"})
	if !strings.Contains(old, "| `runtime-assembly` | builds (unverified) |\n") {
		t.Errorf("go1.25, not on record, should expect go1.26's answers, flagged:\n%s", old)
	}
}

// replayRecords is a fake toolchain that answers every build of the
// examples and the lab as the records say the given Go minor version does.
func replayRecords(t *testing.T, minor string) *fake {
	f := passingExamples(t)
	f.goAnswers["env GOVERSION"] = answer{out: minor + ".0\n"}
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		overlay := "bin/lab/" + c.name + ".overlay.json"
		for i, check := range c.checks {
			want := check.want[minor]
			key := strings.Join(append([]string{"build", "-overlay", overlay}, check.flags...), " ")
			bin := "bin/lab/" + c.name + exeSuffix()
			if i > 0 {
				bin = fmt.Sprintf("bin/lab/%s.%d%s", c.name, i, exeSuffix())
			}
			switch want.kind {
			case "vet-silent":
				f.goAnswers["vet -overlay "+overlay] = answer{}
			case "fails":
				f.goAnswers[key] = answer{out: want.text + "\n", fail: true}
			case "runs":
				f.goAnswers[key] = answer{}
				f.programs[bin] = want.text
			default:
				f.goAnswers[key] = answer{}
			}
		}
	}
	return f
}

// make matrix GO_VERSIONS=<subset> checks those columns alone, and fails
// when a Go does not do what its record says.
func TestMatrixChecksTheColumnsItRan(t *testing.T) {
	for _, minor := range recordedMinors() {
		f := replayRecords(t, minor)
		toolsFor := func(string) tools { return f.tools(t) }
		if !matrix(&f.out, []string{minor}, toolsFor, filepath.Join(t.TempDir(), "matrix.txt")) {
			t.Errorf("make matrix GO_VERSIONS=%s failed on a Go that does as recorded:\n%s", minor, f.out.String())
		}
	}
	f := replayRecords(t, "go1.26")
	f.goAnswers["build -overlay bin/lab/runtime-assembly.overlay.json"] = answer{out: "link: main: invalid reference to runtime.systemstack\n", fail: true}
	if matrix(&f.out, []string{"go1.26"}, func(string) tools { return f.tools(t) }, filepath.Join(t.TempDir(), "matrix.txt")) || !strings.Contains(f.out.String(), "FAIL  runtime-assembly on go1.26") {
		t.Errorf("a go1.26 that refuses runtime-assembly passed:\n%s", f.out.String())
	}
}

// The runner's comparison, held to each way it could go lax: a later line
// changed, a line added at the end, the right output from a program that
// exits non-zero, and a plain build of stdlib that fails at the linker
// for another reason than the one the example teaches.
func TestRunAllCatchesEachLaxComparison(t *testing.T) {
	multiLine := ""
	for _, e := range examples {
		if out, _ := expectedOutput(e.name); strings.Count(out, "\n") >= 2 {
			multiLine = e.name
			break
		}
	}
	if multiLine == "" {
		t.Fatal("no example prints two lines or more: a changed second line cannot be tested")
	}
	plain := "build -o " + os.DevNull + " ./"
	for _, c := range []struct {
		name   string
		change func(f *fake)
		want   string // in the summary line
	}{
		{"second line changed", func(f *fake) {
			bin := "bin/" + multiLine + exeSuffix()
			lines := strings.SplitAfter(f.programs[bin], "\n")
			lines[1] = "changed: " + lines[1]
			f.programs[bin] = strings.Join(lines, "")
		}, multiLine + ": output differs"},
		{"a line added at the end", func(f *fake) { f.programs["bin/pull"+exeSuffix()] += "one more line\n" },
			"pull: output differs"},
		{"right output, non-zero exit", func(f *fake) { f.exits["bin/push"+exeSuffix()] = errors.New("exit status 3") },
			"push: does not run"},
		{"another linker failure", func(f *fake) {
			f.goAnswers[plain] = answer{out: "# example.com/linkname/stdlib\nlink: main: invalid reference to fmt.Println\n", fail: true}
		}, "stdlib (without the flag): fails with another message"},
		{"the right line with more after it", func(f *fake) {
			f.goAnswers[plain] = answer{out: stdlibFailure + "link: main: invalid reference to fmt.Println\n", fail: true}
		}, "stdlib (without the flag): fails with another message"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := passingExamples(t)
			c.change(f)
			if runExamples(f.tools(t), nil) {
				t.Errorf("run-all passed:\n%s", f.out.String())
			}
			if !strings.Contains(f.out.String(), "FAILED 1 of 5 checks: "+c.want+"\n") {
				t.Errorf("run-all does not end with %q; it printed:\n%s", c.want, f.out.String())
			}
		})
	}
}

// A Go the lab has no record of is held to the nearest record: a newer
// Go whose build does something else than the newest record says fails,
// flagged unverified, and one that does the same passes, flagged too.
func TestLabHoldsAnUnrecordedGoToTheNearestRecord(t *testing.T) {
	c := oneCase(verdict{kind: "builds"})
	c[0].checks[0].want["go1.27"] = verdict{kind: "fails", text: "link: main: invalid reference to runtime.systemstack"}
	for _, run := range []struct {
		name   string
		answer answer
		ok     bool
	}{
		{"builds where the nearest record fails", answer{}, false},
		{"fails with another text", answer{out: "# p\nmissing function body\n", fail: true}, false},
		{"fails as the nearest record says", answer{out: "# p\nlink: main: invalid reference to runtime.systemstack\n", fail: true}, true},
	} {
		t.Run(run.name, func(t *testing.T) {
			f := &fake{goAnswers: map[string]answer{"": run.answer}}
			tc := f.tools(t)
			tc.bin = t.TempDir()
			results := runLabChecks(tc, c, "go1.99")
			if ok := reportLab(tc, results, false); ok != run.ok {
				t.Errorf("the lab on go1.99 says ok = %v, want %v; it printed:\n%s", ok, run.ok, f.out.String())
			}
			if !strings.Contains(f.out.String(), "(unverified: go1.99 is not on record; expecting what go1.27 did)") {
				t.Errorf("the line does not say which record stood in:\n%s", f.out.String())
			}
		})
	}
}

// make timings' floor builds and runs every example, each with the flags
// it needs: the list is the workspace's, not one of its own.
func TestTimingsFloorCoversEveryExample(t *testing.T) {
	commands := floorCommands("bin/floor")
	for _, e := range examples {
		built, ran := 0, 0
		for _, c := range commands {
			if c[0] == "go" && slices.Contains(c, "./"+e.name) {
				built++
				if e.ldflags != "" && !slices.Contains(c, "-ldflags="+e.ldflags) {
					t.Errorf("the floor builds %s without -ldflags=%s: %q", e.name, e.ldflags, c)
				}
			}
			if len(c) == 1 && c[0] == "bin/floor/"+e.name+exeSuffix() {
				ran++
			}
		}
		if built != 1 || ran != 1 {
			t.Errorf("the floor builds %s %d times and runs it %d times, want once each: %q", e.name, built, ran, commands)
		}
	}
}

// go1.N+ covers that Go and every later one, on record or not; a Go not
// on record is still flagged, and one before it is held to the nearest.
func TestOnwardExpectations(t *testing.T) {
	src := header + `//lab:why go1.26 Old reason.
//lab:why go1.27+ New reason.
//lab:want go1.26 builds
//lab:want go1.27+ fails "no"
//lab:want go1.26+ vet-silent
package main
`
	c, err := parseLabCase("a-case", "lab/a-case/pull/main.go", src)
	if err != nil {
		t.Fatal(err)
	}
	if c.whyBy["go1.27"] != "New reason." || len(c.checks) != 2 {
		t.Fatalf("why %q, %d checks", c.whyBy, len(c.checks))
	}
	build, vet := c.checks[0], c.checks[1]
	for _, w := range []struct {
		check   labCheck
		version string
		kind    string
		flagged string
	}{
		{build, "go1.26", "builds", ""},
		{build, "go1.27", "fails", ""},
		{build, "go1.30", "fails", "go1.30 is not on record; expecting what go1.27+ says"},
		{build, "go1.25", "builds", "go1.25 is not on record; expecting what go1.26 did"},
		{vet, "go1.27", "vet-silent", ""},
		{vet, "go1.30", "vet-silent", "go1.30 is not on record; expecting what go1.26+ says"},
	} {
		v, flagged := w.check.expectation(w.version)
		if v.kind != w.kind || flagged != w.flagged {
			t.Errorf("%v on %s: %v, %q; want %s, %q", w.check.flags, w.version, v, flagged, w.kind, w.flagged)
		}
	}
}

// The docs table marks each cell make matrix has not observed: one the
// record lacks, and one whose record says otherwise.
func TestUnobservedCellsAreMarked(t *testing.T) {
	full, err := expectedMatrix([]string{"go1.26", "go1.27"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	observed := observations{}
	for _, line := range strings.Split(strings.TrimSuffix(full, "\n"), "\n")[2:] {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		label := strings.Trim(cells[0], "`")
		for i, minor := range []string{"go1.26", "go1.27"} {
			if minor == "go1.27" && label == "runtime-assembly" {
				continue // never observed
			}
			cell := cells[i+1]
			if minor == "go1.26" && label == "method" {
				cell = "fails" // observed otherwise
			}
			observed[minor] = append(observed[minor], [2]string{label, cell})
		}
	}
	marked, err := expectedMatrix([]string{"go1.26", "go1.27"}, observed)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| `runtime-assembly` | builds | fails (unobserved) |\n", "| `method` | runs (unobserved) | runs |\n"} {
		if !strings.Contains(marked, want) {
			t.Errorf("the table does not hold %q:\n%s", want, marked)
		}
	}
	if n := strings.Count(marked, "(unobserved)"); n != 2 {
		t.Errorf("%d cells marked unobserved, want 2:\n%s", n, marked)
	}
}

// make matrix keeps a column that passed in its record, and leaves the
// record alone for one that failed.
func TestMatrixKeepsWhatItObserved(t *testing.T) {
	record := filepath.Join(t.TempDir(), "matrix.txt")
	f := replayRecords(t, "go1.26")
	if !matrix(&f.out, []string{"go1.26"}, func(string) tools { return f.tools(t) }, record) {
		t.Fatalf("the matrix failed:\n%s", f.out.String())
	}
	o, err := readObservations(record)
	if err != nil || o.cell("go1.26", "runtime-assembly") != "builds" || o.cell("go1.26", "pull") != "runs" || len(o) != 1 {
		t.Fatalf("the record holds %v (%v)", o, err)
	}
	kept, _ := os.ReadFile(record)
	f = replayRecords(t, "go1.27")
	f.goAnswers["build -overlay bin/lab/method.overlay.json"] = answer{out: "broken\n", fail: true}
	if matrix(&f.out, []string{"go1.27"}, func(string) tools { return f.tools(t) }, record) {
		t.Fatalf("the matrix passed with a broken case:\n%s", f.out.String())
	}
	if now, _ := os.ReadFile(record); string(now) != string(kept) {
		t.Errorf("a failing column changed the record:\n%s", now)
	}
	if err := os.WriteFile(record, []byte("go1.26 pull runs\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := readObservations(record); err == nil {
		t.Error("a record line without tabs was read")
	}
}

// Adding a Go version to recordedGo needs no edit of the lab: its go1.N+
// lines cover the new Go, and the docs table marks each of its cells
// unobserved until make matrix has run it.
func TestAddingAGoVersion(t *testing.T) {
	defer func(saved []string) { recordedGo = saved }(recordedGo)
	recordedGo = append(slices.Clone(recordedGo), "go1.99.0")
	if _, err := loadLab(os.DirFS(".")); err != nil {
		t.Fatalf("the lab does not load with go1.99 on record: %v", err)
	}
	table, err := recordedMatrix(nil)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if !strings.HasSuffix(lines[0], " | go1.99 |") {
		t.Fatalf("no go1.99 column:\n%s", table)
	}
	for _, line := range lines[2:] {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if last := cells[len(cells)-1]; !strings.HasSuffix(last, "(unobserved)") {
			t.Errorf("go1.99's cell is not marked unobserved: %s", line)
		}
		for _, c := range cells[1 : len(cells)-1] {
			if strings.Contains(c, "(unobserved)") {
				t.Errorf("a cell of a Go that make matrix ran is marked unobserved: %s", line)
			}
		}
	}
}

// make lab CASE=name says what each file of the case does; the case file
// that only carries the header says it declares nothing.
func TestOverlayLine(t *testing.T) {
	for _, c := range []struct{ p, from, caseFile, want string }{
		{"foo/case.go", "lab/push-without-asm/foo/case.go", "lab/push-without-asm/foo/case.go",
			"lab/push-without-asm/foo/case.go, the case's header, is added to foo/; it declares nothing"},
		{"bar/counter.go", "lab/method/bar/counter.go", "lab/method/pull/main.go", "lab/method/bar/counter.go is added to bar/"},
		{"pull/main.go", "lab/method/pull/main.go", "lab/method/pull/main.go", "lab/method/pull/main.go stands in for pull/main.go (see: diff pull/main.go lab/method/pull/main.go)"},
		{"foo/foo.s", "", "lab/push-without-asm/foo/case.go", "foo/foo.s is hidden from the build"},
	} {
		if got := overlayLine(c.p, c.from, c.caseFile); got != c.want {
			t.Errorf("overlayLine(%q, %q): %q, want %q", c.p, c.from, got, c.want)
		}
	}
}

// A question that names runtime symbols names those the case pulls, all
// of them: what the room is asked about is what the output shows.
func TestQuestionsNameWhatTheCasePulls(t *testing.T) {
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile("`(runtime\\.\\w+)`")
	pulled := regexp.MustCompile(`(?m)^//go:linkname(?:std)? \w+ (runtime\.\w+)$`)
	for _, c := range cases {
		var asked, pulls []string
		for _, m := range named.FindAllStringSubmatch(votes[c.name].ask, -1) {
			asked = append(asked, m[1])
		}
		if len(asked) == 0 {
			continue
		}
		for _, file := range slices.Collect(maps.Values(c.overlay)) {
			src, err := os.ReadFile(file)
			if err != nil {
				continue // "": a file hidden from the build
			}
			for _, m := range pulled.FindAllStringSubmatch(string(src), -1) {
				pulls = append(pulls, m[1])
			}
		}
		slices.Sort(asked)
		slices.Sort(pulls)
		if !slices.Equal(asked, slices.Compact(pulls)) {
			t.Errorf("%s: the question names %q; the case pulls %q", c.name, asked, pulls)
		}
	}
}
