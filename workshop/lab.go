package main

import (
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// The rules lab lives in lab/ at the workspace root. lab/order.txt lists
// the cases in the order a lesson meets them, one per line (# starts a
// comment); make lab runs them in that order and the README's table lists
// them in it. Each case is a folder, lab/NAME, whose files mirror the
// workspace: lab/method/pull/main.go stands in for pull/main.go, and
// lab/method/bar/counter.go is added to bar. So
//
//	diff pull/main.go lab/method/pull/main.go
//
// shows what a case breaks. One of a case's files, the case file, opens
// with a comment that says what the case breaks, then (second paragraph)
// why, and ends in //lab: lines:
//
//	//lab:delete PATH                 PATH is hidden from the build
//	//lab:build PKG                   the package to build (default: the case file's)
//	//lab:want VERSIONS [FLAGS] VERDICT
//	//lab:why VERSIONS TEXT           why, on those versions, when the reason differs
//
// VERSIONS are Go minor versions on which the verdict was observed: go1.26
// for that version alone, go1.26+ for that one and every later Go, so that
// a new Go version changes only the cases whose answer changed (until make
// matrix has run it, the matrix marks its cells unobserved). Every check
// says something for each version in recordedGo, once. FLAGS are build
// flags (-ldflags=...). VERDICT is one of
//
//	builds              go build succeeds
//	runs "OUTPUT"       the program prints exactly OUTPUT (a Go string)
//	runs-as EXAMPLE     the program prints what EXAMPLE's Example expects
//	fails "TEXT"        go build fails and prints TEXT
//	fails-as EXAMPLE    go build fails as EXAMPLE does without its flags
//	vet-silent          go vet prints nothing
//
// A case that replaces no file (it only hides one, or builds a package as
// it is) keeps its header in a file that declares nothing, such as
// lab/push-without-asm/foo/case.go. The builds use go build -overlay, so
// nothing in the workspace changes. Any other file in lab/ is an error.

const (
	labDir       = "lab"
	labOrderFile = "lab/order.txt"
)

type labCase struct {
	name    string
	file    string            // the case file
	title   string            // the header's first paragraph: what the case breaks
	why     string            // the first sentence of its second paragraph
	whyBy   map[string]string // //lab:why lines, by Go minor version
	overlay map[string]string // workspace path -> file standing in ("" hides it)
	pkg     string
	checks  []labCheck
}

// A labCheck is one build of a case with one set of flags, and what it is
// expected to do on each Go version on record.
type labCheck struct {
	flags []string
	want  map[string]verdict // by Go minor version on record, as "go1.26"
	// onward is the go1.N+ expectation, if any: what every Go from
	// onward.from on is expected to do, including those not on record.
	onward *onwardVerdict
}

type onwardVerdict struct {
	from string // a Go minor version, as "go1.27"
	v    verdict
}

type verdict struct {
	kind string // builds, runs, fails or vet-silent
	text string // the output for runs, the message for fails
}

func (v verdict) String() string {
	switch v.kind {
	case "runs", "fails":
		return fmt.Sprintf("%s: %q", v.kind, strings.TrimSuffix(v.text, "\n"))
	case "vet-silent":
		return "vet silent"
	}
	return v.kind
}

// labResult is what one check did on one Go version.
type labResult struct {
	c          *labCase
	check      labCheck
	want       verdict
	unverified string // when no expectation was recorded for this Go: which one stands in
	overlay    string // the case's overlay file, shared by its checks
	bin        string // where a program that runs is built, one per check
	ok         bool
	detail     string // what went wrong
	transcript string // the commands and what they printed
	buildOut   string // what the go command printed
	buildErr   error
}

func (r labResult) label() string {
	label := r.c.name
	if r.want.kind == "vet-silent" {
		label += " (go vet)"
	}
	if len(r.check.flags) > 0 {
		label += " " + strings.Join(r.check.flags, " ")
	}
	return label
}

// runLab runs every case, or the one named, and prints a line per check;
// one case is shown in full.
func runLab(tc tools, args []string) bool {
	results, _, ok := runLabCases(tc, args)
	return ok && reportLab(tc, results, len(args) > 0)
}

// runLabCases runs every case, or the one named, with the Go that tc
// runs, and returns the results and that Go's minor version.
func runLabCases(tc tools, args []string) ([]labResult, string, bool) {
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		fmt.Fprintln(tc.out, err)
		return nil, "", false
	}
	if len(args) > 0 {
		name := strings.Join(args, " ")
		i := slices.IndexFunc(cases, func(c *labCase) bool { return c.name == name })
		if i < 0 {
			fmt.Fprintf(tc.out, "no lab case %q. The cases, in lesson order:\n%s", name, indent(strings.Join(caseNames(cases), "\n")))
			return nil, "", false
		}
		cases = cases[i : i+1]
	}
	version, err := tc.goVersion()
	if err != nil {
		fmt.Fprintln(tc.out, err)
		return nil, "", false
	}
	// The answers are this Go's: say so, so that a screen of them cannot be
	// taken for another's.
	fmt.Fprintf(tc.out, "answers from %s\n", version)
	minor := minorVersion(version)
	return runLabChecks(tc, cases, minor), minor, true
}

func caseNames(cases []*labCase) []string {
	var names []string
	for _, c := range cases {
		names = append(names, c.name)
	}
	return names
}

// overlayLine says what a case does to the workspace's path p: hides it
// (from is ""), puts from in its place, or adds from beside it. The case
// file that carries only the case's header says so: it is there for its
// comment and //lab: lines, and declares nothing.
func overlayLine(p, from, caseFile string) string {
	switch {
	case from == "":
		return p + " is hidden from the build"
	case fileExists(p):
		return fmt.Sprintf("%s stands in for %s (see: diff %s %s)", from, p, p, from)
	case from == caseFile && declaresNothing(from):
		return fmt.Sprintf("%s, the case's header, is added to %s/; it declares nothing", from, path.Dir(p))
	}
	return fmt.Sprintf("%s is added to %s/", from, path.Dir(p))
}

// declaresNothing reports whether the Go file holds a package clause and
// no declaration.
func declaresNothing(file string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	return err == nil && len(f.Decls) == 0
}

// reportLab prints one line per check, and in verbose mode what the case
// changes and every command with its output, then a summary line.
func reportLab(tc tools, results []labResult, verbose bool) bool {
	width := 0
	for _, r := range results {
		width = max(width, len(r.label()))
	}
	passed := 0
	for i, r := range results {
		if verbose && (i == 0 || results[i-1].c != r.c) {
			fmt.Fprintf(tc.out, "%s: %s\n", r.c.name, r.c.title)
			for _, p := range slices.Sorted(maps.Keys(r.c.overlay)) {
				fmt.Fprintln(tc.out, "  "+overlayLine(p, r.c.overlay[p], r.c.file))
			}
		}
		if verbose {
			fmt.Fprint(tc.out, r.transcript)
		}
		status := "FAIL"
		if r.ok {
			status, passed = "PASS", passed+1
		}
		line := fmt.Sprintf("%s  %-*s  %s", status, width, r.label(), r.want)
		if r.unverified != "" {
			line += " (unverified: " + r.unverified + ")"
		}
		fmt.Fprintln(tc.out, line)
		if !r.ok {
			fmt.Fprint(tc.out, indent(r.detail))
		}
	}
	fmt.Fprintf(tc.out, "lab: %d passed, %d failed\n", passed, len(results)-passed)
	return passed == len(results) && len(results) > 0
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// runLabChecks runs every check of every case, as many at a time as there
// are cores, and returns the results in lesson order. Each case's overlay
// is written before any of its checks runs, since they run side by side.
func runLabChecks(tc tools, cases []*labCase, version string) []labResult {
	var results []labResult
	for _, c := range cases {
		overlay, err := c.writeOverlay(tc.bin)
		for i, check := range c.checks {
			want, unverified := check.expectation(version)
			bin := filepath.Join(tc.bin, "lab", c.name+exeSuffix())
			if i > 0 {
				bin = filepath.Join(tc.bin, "lab", fmt.Sprintf("%s.%d%s", c.name, i, exeSuffix()))
			}
			r := labResult{c: c, check: check, want: want, unverified: unverified, overlay: overlay, bin: bin}
			if err != nil {
				r.detail = err.Error()
			}
			results = append(results, r)
		}
	}
	parallel(len(results), func(i int) {
		if results[i].detail == "" { // else the overlay could not be written
			results[i].run(tc)
		}
	})
	return results
}

// expectation returns the verdict recorded for version or, for a Go not
// on record, the one recorded for the nearest version, saying which.
func (check labCheck) expectation(version string) (verdict, string) {
	if v, ok := check.want[version]; ok {
		return v, ""
	}
	if o := check.onward; o != nil && compareGoVersions(version, o.from) > 0 {
		return o.v, fmt.Sprintf("%s is not on record; expecting what %s+ says", version, o.from)
	}
	nearest := ""
	distance := func(v string) int {
		d := compareGoVersions(v, version)
		return max(d, -d)
	}
	for _, v := range slices.SortedFunc(maps.Keys(check.want), compareGoVersions) {
		// On a tie the newer record wins: the sort puts it last.
		if nearest == "" || distance(v) <= distance(nearest) {
			nearest = v
		}
	}
	return check.want[nearest], fmt.Sprintf("%s is not on record; expecting what %s did", version, nearest)
}

func (r *labResult) run(tc tools) {
	args := []string{"build", "-overlay", r.overlay}
	if r.want.kind == "vet-silent" {
		args[0] = "vet"
	}
	args = append(args, r.check.flags...)
	switch r.want.kind {
	case "runs":
		args = append(args, "-o", r.bin)
	case "builds", "fails":
		args = append(args, "-o", os.DevNull)
	}
	args = append(args, r.c.pkg)
	out, err := tc.goCmd(args...)
	r.buildOut, r.buildErr = string(out), err
	r.transcript = shellLine("go", args...) + r.buildOut
	switch r.want.kind {
	case "builds":
		r.ok = err == nil
	case "vet-silent":
		r.ok = err == nil && len(out) == 0
		if r.ok {
			r.transcript += "(go vet printed nothing)\n"
		}
	case "fails":
		r.ok = err != nil && strings.Contains(r.buildOut, r.want.text)
	case "runs":
		if err == nil {
			bin := filepath.ToSlash(r.bin)
			var got string
			got, err = tc.run(r.bin)
			r.transcript += shellLine(bin) + got
			r.ok = err == nil && got == r.want.text
		}
	}
	if !r.ok {
		r.detail = r.transcript
		if err != nil {
			r.detail += err.Error() + "\n"
		}
	}
}

// writeOverlay writes the case's overlay file for go build -overlay, with
// absolute paths, into BIN/lab, and returns its path.
func (c *labCase) writeOverlay(bin string) (string, error) {
	root, err := os.Getwd()
	if err != nil {
		return "", err
	}
	replace := map[string]string{}
	for p, from := range c.overlay {
		if from != "" {
			from = filepath.Join(root, filepath.FromSlash(from))
		}
		replace[filepath.Join(root, filepath.FromSlash(p))] = from
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	file := filepath.Join(bin, "lab", c.name+".overlay.json")
	if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
		return "", err
	}
	return file, os.WriteFile(file, data, 0o666)
}
