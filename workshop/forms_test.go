package main

import (
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
