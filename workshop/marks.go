package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// marksRecord is the sample table of the last workshop marks-check.
const marksRecord = "workshop/records/marks.md"

// Sample sizes: symbols taken from each side of the difference
// between the first two Go versions (all of a side that has fewer),
// symbols pullable on both, symbols refused on both.
const (
	sampleChanged   = 20
	sampleUnchanged = 20
	sampleRefused   = 5
)

// namedSymbols are the symbols the lab and the README speak of, checked
// on top of the sample.
var namedSymbols = []string{
	"internal/runtime/atomic.Load", "runtime.addmoduledata", "runtime.cheaprand", "runtime.cmpstring",
	"runtime.coroswitch", "runtime.fastrand", "runtime.nanotime", "runtime.systemstack",
}

// The fields of linkcheck -marks -json that the check reads.
type markedSymbol struct {
	Symbol, Kind, Reason, Package string
	Pullable                      bool
}

type marksReport struct {
	Go      string
	Symbols []markedSymbol
}

type marksDiff struct {
	StopPullable  []struct{ Symbol string } `json:"stop_pullable"`
	StartPullable []struct{ Symbol string } `json:"start_pullable"`
}

// A marksSample is one sampled symbol: why it was taken, and per Go
// version what linkcheck -marks predicts and what the linker did.
type marksSample struct {
	symbol, kind, side string
	predicted, real    []string
}

// marksCheck holds linkcheck -marks against the linker: it samples
// symbols from the difference between the first two Go versions in
// $GO_VERSIONS and from what both allow or both refuse, pulls each one
// in a generated program, links that program under each version, and
// fails unless every link does what -marks predicted. It records the
// sample table; with -check it records nothing and fails if the record
// says otherwise.
func marksCheck(args []string) bool {
	check := slices.Equal(args, []string{"-check"})
	if len(args) > 0 && !check {
		fatalf("usage: workshop marks-check [-check]")
	}
	start := time.Now()
	linkcheck := absPath(filepath.Join("bin", "linkcheck"+exeSuffix()))
	versions := goVersions()
	if len(versions) < 2 {
		fmt.Printf("marks-check: skipped, it compares two Go versions and GO_VERSIONS names one (%s)\n", strings.Join(versions, " "))
		return true
	}
	reports := map[string]*marksReport{}
	var names []string // go env GOVERSION of each
	for _, v := range versions {
		var r marksReport
		out, err := runIn(linkcheckEnv(os.Environ()), "", linkcheck, "-marks", "-json", v)
		if err == nil {
			err = json.Unmarshal(out, &r)
		}
		if err != nil {
			fmt.Printf("linkcheck -marks %s: %v\n", v, err)
			return false
		}
		reports[v] = &r
		names = append(names, r.Go)
	}
	var diff marksDiff
	out, err := runIn(linkcheckEnv(os.Environ()), "", linkcheck, "-marks", "-json", versions[0], versions[1])
	if err == nil {
		err = json.Unmarshal(out, &diff)
	}
	if err != nil {
		fmt.Printf("linkcheck -marks %s %s: %v\n", versions[0], versions[1], err)
		return false
	}
	importers := map[string]map[string]string{}
	for _, v := range versions {
		if importers[v], err = stdImporters(v); err != nil {
			fmt.Printf("GOTOOLCHAIN=%s go list std: %v\n", v, err)
			return false
		}
	}

	// A program can link a symbol in only when some package it may
	// import links in the package that defines it (internal/fuzz, for
	// one, only reaches test binaries).
	linkable := func(sym string) bool {
		for _, v := range versions {
			if p := definingPackage(reports[v], sym); p != "" && importers[v][p] == "" {
				return false
			}
		}
		return true
	}
	samples := sampleMarks(diff, reports[versions[0]], reports[versions[1]], linkable)
	if len(samples) == 0 {
		fmt.Println("marks-check: nothing to sample")
		return false
	}

	dir, err := os.MkdirTemp("", "marks-check-")
	if err != nil {
		fatalf("%v", err)
	}
	defer os.RemoveAll(dir)
	// Two builds at a time: the machine has two cores.
	slots := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, s := range samples {
		s.predicted = make([]string, len(versions))
		s.real = make([]string, len(versions))
		program := filepath.Join(dir, fmt.Sprint(i))
		var imports []string
		for j, v := range versions {
			s.predicted[j] = predictedLink(reports[v], s.symbol)
			if p := definingPackage(reports[v], s.symbol); p != "" {
				imports = append(imports, importers[v][p])
			}
		}
		if err := writePull(program, s, imports); err != nil {
			fatalf("%v", err)
		}
		for j, v := range versions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				s.real[j] = linkPull(program, v, s.symbol)
			}()
		}
	}
	wg.Wait()

	var b strings.Builder
	fmt.Fprintf(&b, "Recorded by `bin/workshop marks-check` (`make matrix` checks it): %d standard-library symbols\n", len(samples))
	fmt.Fprintf(&b, "sampled from `linkcheck -marks %s %s`, each pulled by a generated program\n", names[0], names[1])
	b.WriteString("and linked for real. A failure is named by the linker's words.\n\n")
	b.WriteString("| Symbol | Kind | Sampled as |")
	for _, n := range names {
		fmt.Fprintf(&b, " %s predicted | %s real |", n, n)
	}
	b.WriteString("\n|---|---|---|" + strings.Repeat("---|---|", len(names)) + "\n")
	agreed := true
	for _, s := range samples {
		fmt.Fprintf(&b, "| `%s` | %s | %s |", s.symbol, s.kind, s.side)
		for j := range versions {
			cell := s.real[j]
			if !linkAgrees(s.predicted[j], s.real[j]) {
				agreed = false
				cell = "DISAGREE: " + cell
			}
			fmt.Fprintf(&b, " %s | %s |", s.predicted[j], cell)
		}
		b.WriteString("\n")
	}
	fmt.Print(b.String())
	fmt.Printf("\nmarks-check: %d programs linked under %d Go versions in %.0fs\n",
		len(samples), len(versions), time.Since(start).Seconds())
	if !agreed {
		fmt.Println("linkcheck -marks and the linker disagree (DISAGREE above): nothing recorded")
		return false
	}
	if check {
		recorded, err := os.ReadFile(marksRecord)
		if err != nil || string(recorded) != b.String() {
			fmt.Printf("%s says otherwise: run bin/workshop marks-check to record this run\n", marksRecord)
			return false
		}
		return true
	}
	if err := os.WriteFile(marksRecord, []byte(b.String()), 0o666); err != nil {
		fatalf("%v", err)
	}
	fmt.Printf("recorded in %s\n", marksRecord)
	return true
}

// sampleMarks takes, from the linkable symbols sorted by name, evenly
// spaced samples: what stops and what starts being pullable between the
// two versions, what both allow and what both refuse.
func sampleMarks(diff marksDiff, from, to *marksReport, linkable func(string) bool) []*marksSample {
	var stop, start, bothPullable, bothRefused []string
	for _, s := range diff.StopPullable {
		stop = append(stop, s.Symbol)
	}
	for _, s := range diff.StartPullable {
		start = append(start, s.Symbol)
	}
	kinds := map[string]string{}
	after := map[string]markedSymbol{}
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
	var samples []*marksSample
	for _, part := range []struct {
		side    string
		symbols []string
		n       int
	}{
		{"stops being pullable", stop, sampleChanged},
		{"starts being pullable", start, sampleChanged},
		{"pullable on both", bothPullable, sampleUnchanged},
		{"refused on both", bothRefused, sampleRefused},
		{"named case", namedSymbols, len(namedSymbols)},
	} {
		part.symbols = slices.DeleteFunc(part.symbols, func(sym string) bool { return !linkable(sym) })
		slices.Sort(part.symbols)
		for _, sym := range evenlySpaced(part.symbols, part.n) {
			if !slices.ContainsFunc(samples, func(s *marksSample) bool { return s.symbol == sym }) {
				samples = append(samples, &marksSample{symbol: sym, kind: kinds[sym], side: part.side})
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

// predictedLink is what -marks says a pull of sym does on a version:
// "links", or "fails (REASON)" with the reason it gives; a symbol it
// does not list is neither marked, pushed nor assembly there.
func predictedLink(r *marksReport, sym string) string {
	i := slices.IndexFunc(r.Symbols, func(s markedSymbol) bool { return s.Symbol == sym })
	switch {
	case i < 0:
		return "fails (unmarked)"
	case r.Symbols[i].Pullable:
		return "links"
	}
	return "fails (" + r.Symbols[i].Reason + ")"
}

func definingPackage(r *marksReport, sym string) string {
	if i := slices.IndexFunc(r.Symbols, func(s markedSymbol) bool { return s.Symbol == sym }); i >= 0 {
		return r.Symbols[i].Package
	}
	return ""
}

// linkAgrees: a predicted link must link; a failure predicted for a
// reason of the linker's check must be its "invalid reference"; a
// symbol -marks does not list may fail either way.
func linkAgrees(predicted, real string) bool {
	switch predicted {
	case "links":
		return real == "links"
	case "fails (unmarked)":
		return strings.HasPrefix(real, "fails")
	}
	return real == "fails: invalid reference"
}

// stdImporters maps each standard-library package of a Go version to
// the smallest package a program may import that links it in (itself,
// unless it is internal).
func stdImporters(version string) (map[string]string, error) {
	env := append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN="+version)
	out, err := runIn(env, os.TempDir(), "go", "list", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", "std")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	// Fewest dependencies first, so that the first importer found is the
	// smallest.
	slices.SortFunc(lines, func(a, b string) int {
		return cmp.Or(strings.Count(a, " ")-strings.Count(b, " "), strings.Compare(a, b))
	})
	importers := map[string]string{}
	for _, line := range lines {
		pkgs := strings.Fields(line)
		if slices.Contains(strings.Split(pkgs[0], "/"), "internal") || strings.HasPrefix(pkgs[0], "vendor/") {
			continue
		}
		for _, p := range pkgs {
			if importers[p] == "" {
				importers[p] = pkgs[0]
			}
		}
	}
	return importers, nil
}

// writePull writes, in dir, a program that pulls s.symbol and calls or
// reads it from main, so that the linker keeps the reference. It imports
// packages that link in the definitions.
func writePull(dir string, s *marksSample, imports []string) error {
	src := "// Command pull pulls " + s.symbol + ".\npackage main\n\nimport (\n\t\"os\"\n\t_ \"unsafe\"\n"
	slices.Sort(imports)
	for _, p := range slices.Compact(imports) {
		if p != "" && p != "os" && p != "unsafe" {
			src += "\t_ \"" + p + "\"\n"
		}
	}
	decl, use := "func pulled()", "pulled()"
	if s.kind == "var" {
		decl, use = "var pulled [0]byte", "println(&pulled)"
	}
	src += ")\n\n//go:linkname pulled " + s.symbol + "\n" + decl + "\n\n" +
		"func main() {\n\tif len(os.Args) > 1000 {\n\t\t" + use + "\n\t}\n}\n"
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module marks.test/pull\n\ngo 1.23\n"), 0o666); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o666)
}

// linkPull links the program in dir with GOTOOLCHAIN=version, and says
// "links", or how it failed.
func linkPull(dir, version, symbol string) string {
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN="+version)
	_, err := runIn(env, dir, "go", "build", "-o", os.DevNull, ".")
	switch {
	case err == nil:
		return "links"
	case strings.Contains(err.Error(), "invalid reference to "+symbol):
		return "fails: invalid reference"
	case strings.Contains(err.Error(), "relocation target "+symbol+" not defined"):
		return "fails: not defined"
	}
	return "fails: " + firstLine(err.Error())
}
