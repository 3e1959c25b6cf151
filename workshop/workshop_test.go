package main

import (
	"os"
	"strings"
	"testing"
)

func TestOutputComment(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"func Example() {\n\tmain()\n\t// Output:\n\t// a: 1\n\t// b: 2\n}\n", "a: 1\nb: 2\n"},
		{"func Example() {\n\t// Output: one line\n}\n", "one line\n"},
		{"func Example() {\n\t// Output:\n\t//   indented\n}\n", "  indented\n"},
	} {
		got, ok := outputComment(c.src)
		if !ok || got != c.want {
			t.Errorf("outputComment(%q) = %q, %v; want %q", c.src, got, ok, c.want)
		}
	}
	if _, ok := outputComment("func Example() {}\n"); ok {
		t.Error("outputComment found an output in a file without one")
	}
}

func TestEveryExampleHasAnExpectedOutput(t *testing.T) {
	for _, e := range examples {
		if out, err := expectedOutput("../" + e.name); err != nil || out == "" {
			t.Errorf("%s: expected output %q, %v", e.name, out, err)
		}
	}
}

func TestParseLabCase(t *testing.T) {
	src := `// A case: what it breaks.
//
// Why it breaks. More about it.
//
//lab:replace pull/main.go
//lab:with bar/x.go bar/testdata/lab/x.go
//lab:delete foo/foo.s
//lab:want go1.26 builds
//lab:want go1.27 fails "no \"way\""
//lab:want go1.26 go1.27 -ldflags=-checklinkname=0 runs "hi\n"
//lab:want go1.26 vet-clean
package main
`
	c, err := parseLabCase("pull/testdata/lab/a-case.go", src)
	if err != nil {
		t.Fatal(err)
	}
	if c.name != "a-case" || c.pkg != "./pull" || c.title != "A case: what it breaks." || c.why != "Why it breaks." {
		t.Errorf("name, pkg, title, why = %q, %q, %q, %q", c.name, c.pkg, c.title, c.why)
	}
	wantOverlay := map[string]string{
		"pull/main.go": "pull/testdata/lab/a-case.go",
		"bar/x.go":     "bar/testdata/lab/x.go",
		"foo/foo.s":    "",
	}
	for k, v := range wantOverlay {
		if got, ok := c.overlay[k]; !ok || got != v {
			t.Errorf("overlay[%q] = %q, want %q", k, got, v)
		}
	}
	if len(c.checks) != 3 {
		t.Fatalf("%d checks, want 3 (plain build, flagged build, vet)", len(c.checks))
	}
	plain := c.checks[0]
	if got := plain.want["go1.26"]; got != (verdict{kind: "builds"}) {
		t.Errorf("go1.26: %v", got)
	}
	if got := plain.want["go1.27"]; got != (verdict{kind: "fails", text: `no "way"`}) {
		t.Errorf("go1.27: %v", got)
	}
	if got := c.checks[1]; strings.Join(got.flags, " ") != "-ldflags=-checklinkname=0" || got.want["go1.27"].text != "hi\n" {
		t.Errorf("flagged check: %+v", got)
	}
}

func TestParseLabCaseErrors(t *testing.T) {
	for _, src := range []string{
		"//lab:want builds\n",                                     // no version
		"//lab:replace a.go\n//lab:want go1.26 fails\n",           // no text
		"//lab:replace a.go\n//lab:want go1.26 fails unquoted\n",  // not a Go string
		"//lab:replace a.go\n//lab:want go1.26 explodes\n",        // unknown verdict
		"//lab:replace a.go\n//lab:want go1.26 runs-as nowhere\n", // unknown example
		"//lab:replace a.go\n//lab:want go1.26 builds\n//lab:want go1.26 builds\n",
		"//lab:want go1.26 builds\n", // nothing to build
		"//lab:frobnicate\n//lab:want go1.26 builds\n",
	} {
		src = "// Breaks a rule.\n//\n// Because.\n//\n" + src
		if _, err := parseLabCase("x/testdata/lab/bad.go", src); err == nil {
			t.Errorf("parseLabCase accepted %q", src)
		}
	}
	if _, err := parseLabCase("x/testdata/lab/bare.go", "//lab:replace a.go\n//lab:want go1.26 builds\n"); err == nil {
		t.Error("parseLabCase accepted a case with no header saying what it breaks and why")
	}
	if c, err := parseLabCase("x/testdata/lab/companion.go", "package x\n"); c != nil || err != nil {
		t.Errorf("a file with no //lab:want line is a companion, not a case: %v, %v", c, err)
	}
}

func TestExpectationForUnknownVersion(t *testing.T) {
	check := labCheck{want: map[string]verdict{
		"go1.26": {kind: "builds"},
		"go1.27": {kind: "fails", text: "no"},
	}}
	if v, unverified := check.expectation("go1.26"); v.kind != "builds" || unverified != "" {
		t.Errorf("go1.26: %v, %q", v, unverified)
	}
	if v, unverified := check.expectation("go1.30"); v.kind != "fails" || unverified != "go1.30" {
		t.Errorf("go1.30 should fall back to go1.27's record, flagged: %v, %q", v, unverified)
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

// Every case in the workspace parses, and records what it does on both Go
// versions this lab was verified with.
func TestLabCasesRecordBothVersions(t *testing.T) {
	if err := os.Chdir(".."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir("workshop")
	cases, err := loadLab()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, check := range c.checks {
			for _, v := range []string{"go1.26", "go1.27"} {
				if _, ok := check.want[v]; !ok {
					t.Errorf("%s %v: no expectation for %s", c.name, check.flags, v)
				}
			}
		}
	}
}
