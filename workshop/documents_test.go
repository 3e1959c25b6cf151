package main

import (
	"os"
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

// A link from a document to a file of the workspace must lead somewhere.
func TestBrokenLinks(t *testing.T) {
	src := "See [the linkcheck README](linkcheck/README.md#cache), [the web](https://go.dev/doc),\n" +
		"[a heading](#run-it) and [nothing](no/such/file.md).\n"
	got := brokenLinks("README.md", src)
	want := []string{"README.md:2: a link to no/such/file.md, which does not exist"}
	if !slices.Equal(got, want) {
		t.Errorf("brokenLinks = %q, want %q", got, want)
	}
	if got := brokenLinks("workshop/README.md", "[up](../README.md), [here](records/bench.txt)\n"); len(got) > 0 {
		t.Errorf("links relative to workshop/: %q", got)
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
