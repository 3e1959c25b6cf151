package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A row of the forms table stands only while the lab records what it
// says: on every Go on record, without flags, and for go vet apart.
func TestFormEvidence(t *testing.T) {
	byMinor := func(kind string) map[string]verdict {
		want := map[string]verdict{}
		for _, minor := range recordedMinors() {
			want[minor] = verdict{kind: kind}
		}
		return want
	}
	changed := byMinor("fails")
	changed[recordedMinors()[0]] = verdict{kind: "builds"}
	cases := []*labCase{
		{name: "fails-everywhere", checks: []labCheck{{want: byMinor("fails")}}},
		{name: "runs-and-vet", checks: []labCheck{{want: byMinor("runs")}, {want: byMinor("vet-silent")}}},
		{name: "flagged", checks: []labCheck{{flags: []string{"-ldflags=-checklinkname=0"}, want: byMinor("runs")}}},
		{name: "changes", checks: []labCheck{{want: changed}}},
	}
	for _, c := range []struct {
		ev      labEvidence
		problem string // "" when the evidence holds
	}{
		{labEvidence{"fails-everywhere", "fails"}, ""},
		{labEvidence{"runs-and-vet", "runs"}, ""},
		{labEvidence{"runs-and-vet", "vet-silent"}, ""},
		{labEvidence{"fails-everywhere", "runs"}, `records "fails"`},
		{labEvidence{"flagged", "runs"}, "no check that could show runs"},
		{labEvidence{"changes", "fails"}, `records "builds" on ` + recordedMinors()[0]},
		{labEvidence{"nowhere", "fails"}, "no lab case nowhere"},
	} {
		err := c.ev.check(cases)
		switch {
		case c.problem == "" && err != nil:
			t.Errorf("%v: %v", c.ev, err)
		case c.problem != "" && (err == nil || !strings.Contains(err.Error(), c.problem)):
			t.Errorf("%v: got %v, want an error saying %q", c.ev, err, c.problem)
		}
	}
}

// A link from a document to a file of the workspace, or to one of its
// headings, must lead somewhere.
func TestBrokenLinks(t *testing.T) {
	src := "# Run it\n\nSee [the linkcheck README](linkcheck/README.md#cache), [the web](https://go.dev/doc),\n" +
		"[a heading](#run-it), [no heading](#walk-it), [nothing](no/such/file.md)\n" +
		"and [a heading it lacks](linkcheck/README.md#no-such-heading).\n"
	got := brokenLinks("README.md", src)
	want := []string{
		"README.md:4: a link to #walk-it, a heading that README.md does not have",
		"README.md:4: a link to no/such/file.md, which does not exist",
		"README.md:5: a link to linkcheck/README.md#no-such-heading, a heading that linkcheck/README.md does not have",
	}
	if !slices.Equal(got, want) {
		t.Errorf("brokenLinks = %q, want %q", got, want)
	}
	if got := brokenLinks("workshop/README.md", "[up](../README.md#run-it), [here](records/bench.txt)\n"); len(got) > 0 {
		t.Errorf("links relative to workshop/: %q", got)
	}
}

func TestHeadingAnchors(t *testing.T) {
	page := "# `//go:linkname`, by example\n## make run-all\n```console\n# not a heading\n```\n## -upgrade JSON fields\n## Marks\n## Marks\n"
	want := []string{"golinkname-by-example", "make-run-all", "-upgrade-json-fields", "marks", "marks-1"}
	if got := headingAnchors(page); !slices.Equal(got, want) {
		t.Errorf("headingAnchors = %q, want %q", got, want)
	}
}

// The README is the tutorial, and a tutorial is read to the end: it stays
// under 450 lines. What serves other readers has its own document.
func TestREADMEIsShort(t *testing.T) {
	const limit = 450
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n >= limit {
		t.Errorf("README.md has %d lines; keep it under %d: move what is not the tutorial to linkcheck/README.md, workshop/README.md or TEACHING.md", n, limit)
	}
}

// The maintainers' document has a row for every file of the workshop.
func TestMaintainersDocListsEveryFile(t *testing.T) {
	doc, err := os.ReadFile("workshop/README.md")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, line := range strings.Split(string(doc), "\n") {
		first, _, ok := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
		if !ok || !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, name := range strings.Split(first, ", ") {
			listed = append(listed, strings.Trim(name, "`"))
		}
	}
	files, _ := filepath.Glob("workshop/*.go")
	for _, file := range files {
		if name := filepath.Base(file); !strings.HasSuffix(name, "_test.go") && !slices.Contains(listed, name) {
			t.Errorf("workshop/README.md does not say what %s does", name)
		}
	}
	for _, name := range listed {
		if strings.HasSuffix(name, ".go") && !slices.Contains(files, "workshop/"+name) {
			t.Errorf("workshop/README.md lists %s, which is not there", name)
		}
	}
}

// Where the README says go install ./linkcheck puts the binary: in
// $GOBIN when it is set, else in the bin folder of GOPATH.
func TestInstallLinkcheckWhereTheREADMESays(t *testing.T) {
	if testing.Short() {
		t.Skip("installs linkcheck twice")
	}
	root := workspaceRoot(t)
	gopath, gobin := t.TempDir(), t.TempDir()
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"GOPATH=" + gopath, "GOBIN="}, filepath.Join(gopath, "bin", "linkcheck"+exeSuffix())},
		{[]string{"GOPATH=" + gopath, "GOBIN=" + gobin}, filepath.Join(gobin, "linkcheck"+exeSuffix())},
	} {
		cmd := exec.Command("go", "install", "./linkcheck")
		cmd.Dir = root
		// Only the standard library is needed: nothing is fetched into the
		// new GOPATH's module cache.
		cmd.Env = append(os.Environ(), append(c.env, "GOPROXY=off", "GOTOOLCHAIN=local", "GOFLAGS=-modcacherw")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go install ./linkcheck with %q: %v\n%s", c.env, err, out)
		}
		if _, err := os.Stat(c.want); err != nil {
			t.Errorf("go install ./linkcheck with %q: %v", c.env, err)
		}
	}
}
