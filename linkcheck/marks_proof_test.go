package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// marksProofRecord is TestMarksProof's sample table, which README.md
// shows.
const marksProofRecord = "testdata/marks-proof.md"

// Sample sizes: symbols taken from each side of the difference between
// the two Go versions (all of a side that has fewer), symbols pullable
// on both, symbols refused on both.
const (
	sampleChanged   = 20
	sampleUnchanged = 20
	sampleRefused   = 5
)

// sampleNamed are the symbols the lab and the README speak of, linked on
// top of the sample.
var sampleNamed = []string{
	"internal/runtime/atomic.Load", "runtime.addmoduledata", "runtime.cheaprand", "runtime.cmpstring",
	"runtime.coroswitch", "runtime.fastrand", "runtime.nanotime", "runtime.systemstack",
}

// A sampledMark is one sampled symbol: why it was taken, and per Go
// version what -marks predicts, the program that pulls it, and what the
// linker did.
type sampledMark struct {
	symbol, kind, side string
	predicted, real    []string
	problems           []string
}

// TestMarksProof holds linkcheck -marks to the linker: it samples
// symbols from the difference between the two recorded Go versions and
// from what both allow or both refuse, pulls each in a generated
// program, and links that program under each version. The checker's
// prediction for the program is held to the build by the rule of
// buildAgreement, and must be what -marks says. It records the sample
// table in marksProofRecord (-update rewrites it). make matrix checks
// it.
func TestMarksProof(t *testing.T) {
	needRealProof(t, "marks-proof")
	versions := recordedGo(t)
	if v := proofVersions(t); !slices.Equal(v, versions) {
		t.Skipf("GO_VERSIONS is %s: the marks proof compares the recorded Go versions (%s)", strings.Join(v, " "), strings.Join(versions, " "))
	}
	var toolchains []*toolchain
	var reports []*marksReport
	var importers []map[string]string
	for _, v := range versions {
		tc, err := newToolchain(v, append(os.Environ(), "GOWORK=off"))
		if err != nil {
			t.Fatal(err)
		}
		tc.cacheDir = testCache
		r, err := scanMarks(tc)
		if err != nil {
			t.Fatal(err)
		}
		toolchains, reports, importers = append(toolchains, tc), append(reports, r), append(importers, stdImporters(t, tc))
	}
	// A program can link a symbol in only when some package it may
	// import links in the package that defines it (internal/fuzz, for
	// one, only reaches test binaries).
	linkable := func(sym string) bool {
		for i, r := range reports {
			if s, ok := markOf(r, sym); ok && s.Package != "" && importers[i][s.Package] == "" {
				return false
			}
		}
		return true
	}
	samples := sampleMarks(diffMarks(reports[0], reports[1]), reports[0], reports[1], linkable)
	if len(samples) == 0 {
		t.Fatal("nothing to sample")
	}
	type build struct {
		s *sampledMark
		i int // the version's index
	}
	var builds []build
	for _, s := range samples {
		s.predicted, s.real, s.problems = make([]string, len(versions)), make([]string, len(versions)), make([]string, len(versions))
		for i := range versions {
			builds = append(builds, build{s, i})
		}
	}
	forEach(builds, func(b build) {
		// One program for every version: a symbol that one version does
		// not list is pulled with the package that defines it in the
		// other linked in all the same.
		var defined string
		for _, r := range reports {
			if m, ok := markOf(r, b.s.symbol); ok && defined == "" {
				defined = m.Package
			}
		}
		b.s.predicted[b.i], b.s.real[b.i], b.s.problems[b.i] = linkSample(t, toolchains[b.i], reports[b.i], importers[b.i], b.s, defined)
	})
	for _, tc := range toolchains {
		tc.writing.Wait()
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Recorded by `go test -run TestMarksProof -real-proof -update` in linkcheck (`make marks-proof`; `make matrix` checks it):\n"+
		"%d standard-library symbols sampled from `linkcheck -marks %s %s`, each pulled by a generated program\n", len(samples), reports[0].Go, reports[1].Go)
	b.WriteString("and linked for real. A failure is named by the linker's words.\n\n")
	b.WriteString("| Symbol | Kind | Sampled as |")
	for _, r := range reports {
		fmt.Fprintf(&b, " %s predicted | %s real |", r.Go, r.Go)
	}
	b.WriteString("\n|---|---|---|" + strings.Repeat("---|---|", len(reports)) + "\n")
	for _, s := range samples {
		fmt.Fprintf(&b, "| `%s` | %s | %s |", s.symbol, s.kind, s.side)
		for i := range versions {
			cell := s.real[i]
			if s.problems[i] != "" {
				t.Errorf("%s on %s: %s", s.symbol, reports[i].Go, s.problems[i])
				cell = "DISAGREE: " + cell
			}
			fmt.Fprintf(&b, " %s | %s |", s.predicted[i], cell)
		}
		b.WriteString("\n")
	}
	if t.Failed() {
		t.Fatalf("linkcheck -marks and the linker disagree: nothing recorded; this run:\n%s", b.String())
	}
	checkRecord(t, marksProofRecord, b.String())
}

// linkSample writes a program that pulls s.symbol, with defined (the
// package that defines it on some Go) linked in, links it with tc's Go
// and returns what -marks predicts ("links", "fails (REASON)"), what
// the link did ("links", "fails: invalid reference", ...), and what
// disagrees: the checker's prediction against the build by
// buildAgreement, or -marks against the checker.
func linkSample(t *testing.T, tc *toolchain, r *marksReport, importers map[string]string, s *sampledMark, defined string) (predicted, real, problem string) {
	mark, listed := markOf(r, s.symbol)
	switch {
	case !listed:
		predicted = "fails (unmarked)"
		mark = markSymbol{Symbol: s.symbol, Kind: s.kind, Package: defined}
	case mark.Pullable:
		predicted = "links"
	default:
		predicted = "fails (" + mark.Reason + ")"
	}
	dir, _ := writeMarksPulls(t, &marksReport{Symbols: []markSymbol{mark}}, importers)
	cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
	cmd.Env, cmd.Dir = append(tc.env, "GOFLAGS=-mod=mod"), dir
	out, buildErr := cmd.CombinedOutput()
	switch {
	case buildErr == nil:
		real = "links"
	case strings.Contains(string(out), "invalid reference to "+s.symbol):
		real = "fails: invalid reference"
	case strings.Contains(string(out), "relocation target "+s.symbol+" not defined"):
		real = "fails: not defined"
	default:
		real = "fails: " + buildFailure(tc, string(out))
	}
	prog, err := load(tc, dir, []string{"."}, "")
	if err != nil {
		return predicted, real, "linkcheck cannot load it: " + err.Error()
	}
	var fails []string
	for _, f := range analyze(prog, options{}) {
		if f.Link == linkFails {
			fails = append(fails, f.Fails)
		}
	}
	if problem = buildAgreement(fails, buildErr == nil, string(out)); problem == "" && listed && mark.Pullable != (len(fails) == 0) {
		problem = fmt.Sprintf("-marks says %s, the checker predicts %q", predicted, fails)
	}
	return predicted, real, problem
}

// markOf finds sym in what -marks lists.
func markOf(r *marksReport, sym string) (markSymbol, bool) {
	if i := slices.IndexFunc(r.Symbols, func(s markSymbol) bool { return s.Symbol == sym }); i >= 0 {
		return r.Symbols[i], true
	}
	return markSymbol{}, false
}

// sampleMarks takes, from the linkable symbols sorted by name, evenly
// spaced samples: what stops and what starts being pullable between the
// two versions, what both allow and what both refuse, and sampleNamed.
func sampleMarks(diff *marksDiff, from, to *marksReport, linkable func(string) bool) []*sampledMark {
	var stop, start, bothPullable, bothRefused []string
	for _, s := range diff.StopPullable {
		stop = append(stop, s.Symbol)
	}
	for _, s := range diff.StartPullable {
		start = append(start, s.Symbol)
	}
	kinds := map[string]string{}
	after := map[string]markSymbol{}
	for _, s := range to.Symbols {
		after[s.Symbol] = s
		kinds[s.Symbol] = s.Kind
	}
	for _, s := range from.Symbols {
		kinds[s.Symbol] = s.Kind
		a, ok := after[s.Symbol]
		switch {
		case ok && s.Pullable && a.Pullable:
			bothPullable = append(bothPullable, s.Symbol)
		case ok && !s.Pullable && !a.Pullable:
			bothRefused = append(bothRefused, s.Symbol)
		}
	}
	var samples []*sampledMark
	for _, part := range []struct {
		side    string
		symbols []string
		n       int
	}{
		{"stops being pullable", stop, sampleChanged},
		{"starts being pullable", start, sampleChanged},
		{"pullable on both", bothPullable, sampleUnchanged},
		{"refused on both", bothRefused, sampleRefused},
		{"named case", slices.Clone(sampleNamed), len(sampleNamed)},
	} {
		part.symbols = slices.DeleteFunc(part.symbols, func(sym string) bool { return !linkable(sym) })
		slices.Sort(part.symbols)
		for _, sym := range evenlySpaced(part.symbols, part.n) {
			if !slices.ContainsFunc(samples, func(s *sampledMark) bool { return s.symbol == sym }) {
				samples = append(samples, &sampledMark{symbol: sym, kind: kinds[sym], side: part.side})
			}
		}
	}
	return samples
}

// evenlySpaced picks n of items, spread over the whole list; all of them
// when there are no more than n.
func evenlySpaced(items []string, n int) []string {
	if len(items) <= n {
		return items
	}
	picked := make([]string, n)
	for i := range picked {
		picked[i] = items[i*len(items)/n]
	}
	return picked
}
