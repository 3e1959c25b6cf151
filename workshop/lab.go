package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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
func runLab(tc toolchain, args []string) bool {
	results, _, ok := runLabCases(tc, args)
	return ok && reportLab(tc, results, len(args) > 0)
}

// runLabCases runs every case, or the one named, with the Go that tc
// runs, and returns the results and that Go's minor version.
func runLabCases(tc toolchain, args []string) ([]labResult, string, bool) {
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
func reportLab(tc toolchain, results []labResult, verbose bool) bool {
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
func runLabChecks(tc toolchain, cases []*labCase, version string) []labResult {
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
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range results {
		if results[i].detail != "" {
			continue // the overlay could not be written
		}
		wg.Add(1)
		go func(r *labResult) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r.run(tc)
		}(&results[i])
	}
	wg.Wait()
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

func (r *labResult) run(tc toolchain) {
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

// loadLab reads lab/order.txt and every case it names, in that order. A
// folder that the order leaves out, a name without a folder, a case with
// no case file or two, and a file that mirrors no folder of the workspace
// are errors.
func loadLab(fsys fs.FS) ([]*labCase, error) {
	order, err := fs.ReadFile(fsys, labOrderFile)
	if err != nil {
		return nil, fmt.Errorf("the lab's lesson order: %v", err)
	}
	var names []string
	for n, line := range strings.Split(string(order), "\n") {
		line, _, _ = strings.Cut(line, "#")
		if name := strings.TrimSpace(line); name != "" {
			if slices.Contains(names, name) {
				return nil, fmt.Errorf("%s:%d: %s is listed twice", labOrderFile, n+1, name)
			}
			names = append(names, name)
		}
	}
	entries, err := fs.ReadDir(fsys, labDir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		switch {
		case e.Name() == path.Base(labOrderFile):
		case !e.IsDir():
			return nil, fmt.Errorf("%s/%s: a file in %s/ that is not a case folder (each case is a folder)", labDir, e.Name(), labDir)
		case !slices.Contains(names, e.Name()):
			return nil, fmt.Errorf("%s/%s: a case that %s does not list: add it where it belongs in the lesson", labDir, e.Name(), labOrderFile)
		}
	}
	var cases []*labCase
	for _, name := range names {
		c, err := loadCase(fsys, name)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s lists no case", labOrderFile)
	}
	return cases, nil
}

// loadCase reads the folder lab/NAME: its case file, and the files that
// mirror the workspace.
func loadCase(fsys fs.FS, name string) (*labCase, error) {
	dir := path.Join(labDir, name)
	var c *labCase
	mirrors := map[string]string{}
	err := fs.WalkDir(fsys, dir, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if err != nil && file == dir {
				return fmt.Errorf("%s lists %s, but there is no folder %s", labOrderFile, name, dir)
			}
			return err
		}
		target := strings.TrimPrefix(file, dir+"/")
		if ext := path.Ext(file); ext != ".go" && ext != ".s" {
			return fmt.Errorf("%s: neither a Go nor an assembly file: the lab cannot use it", file)
		}
		if info, err := fs.Stat(fsys, path.Dir(target)); path.Dir(target) == "." || err != nil || !info.IsDir() {
			return fmt.Errorf("%s: stands in for %s, but %s is not a folder of the workspace", file, target, path.Dir(target))
		}
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			return err
		}
		parsed, err := parseLabCase(name, file, string(src))
		switch {
		case err != nil:
			return err
		case parsed != nil && c != nil:
			return fmt.Errorf("%s and %s: two case files in one case (only one may have //lab: lines)", c.file, file)
		case parsed != nil:
			c = parsed
			if c.pkg == "" {
				c.pkg = "./" + path.Dir(target)
			}
		}
		mirrors[target] = file
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, fmt.Errorf("%s: no case file (a file whose header ends in //lab:want lines)", dir)
	}
	for target, file := range mirrors {
		if _, hidden := c.overlay[target]; hidden {
			return nil, fmt.Errorf("%s: %s both stands in for %s and hides it", c.file, file, target)
		}
		c.overlay[target] = file
	}
	return c, nil
}

// parseLabCase reads the header and the //lab: lines of one file of case
// NAME. It returns nil for a file with no //lab: line (a companion), and
// an error for one with //lab: lines but no //lab:want.
func parseLabCase(name, file, src string) (*labCase, error) {
	c := &labCase{name: name, file: file, overlay: map[string]string{}, whyBy: map[string]string{}}
	checks := map[string]*labCheck{}
	var order []string
	var paragraphs []string
	inHeader, directives := true, 0
	sc := bufio.NewScanner(strings.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		directive, rest, ok := strings.Cut(sc.Text(), " ")
		if !strings.HasPrefix(directive, "//lab:") {
			if inHeader {
				paragraphs, inHeader = addHeaderLine(paragraphs, sc.Text())
			}
			continue
		}
		inHeader = false
		directives++
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", file, n, fmt.Sprintf(format, args...))
		}
		fields := strings.Fields(rest)
		switch directive {
		case "//lab:delete", "//lab:build":
			if !ok || len(fields) != 1 {
				return nil, fail("%s takes one path", directive)
			}
		}
		switch directive {
		case "//lab:delete":
			c.overlay[fields[0]] = ""
		case "//lab:build":
			c.pkg = fields[0]
		case "//lab:why":
			versions, text := leadingVersions(rest)
			if err := checkVersions(versions); err != nil || text == "" {
				return nil, fail("//lab:why takes Go versions, then a sentence (%v)", err)
			}
			for _, v := range expandVersions(versions) {
				if _, dup := c.whyBy[v]; dup {
					return nil, fail("a second //lab:why for %s", v)
				}
				c.whyBy[v] = text
			}
		case "//lab:want":
			versions, flags, v, err := parseWant(rest)
			if err != nil {
				return nil, fail("%v", err)
			}
			// go vet and go build are separate checks, even with the same flags.
			key := fmt.Sprint(v.kind == "vet-silent", flags)
			check := checks[key]
			if check == nil {
				check = &labCheck{flags: flags, want: map[string]verdict{}}
				checks[key] = check
				order = append(order, key)
			}
			// Two go1.N+ lines overlap, which the loop below refuses.
			for _, version := range versions {
				if from, ok := strings.CutSuffix(version, "+"); ok {
					check.onward = &onwardVerdict{from: from, v: v}
				}
			}
			for _, version := range expandVersions(versions) {
				if _, dup := check.want[version]; dup {
					return nil, fail("a second expectation for %s", version)
				}
				check.want[version] = v
			}
		default:
			return nil, fail("unknown directive %s", directive)
		}
	}
	switch {
	case directives == 0:
		return nil, nil
	case len(order) == 0:
		return nil, fmt.Errorf("%s: //lab: lines but no //lab:want: say what the toolchain answers", file)
	case len(paragraphs) < 2:
		return nil, fmt.Errorf("%s: the header should say what the case breaks, then why, in two paragraphs", file)
	}
	c.title = paragraphs[0]
	c.why, _, _ = strings.Cut(paragraphs[1]+" ", ". ")
	c.why = strings.TrimSuffix(strings.TrimSuffix(c.why, " ")+".", "..")
	for _, key := range order {
		check := *checks[key]
		for _, v := range recordedMinors() {
			if _, ok := check.want[v]; !ok {
				return nil, fmt.Errorf("%s: the check %v records nothing for %s: run it there (make matrix) and add a //lab:want line", file, check.flags, v)
			}
		}
		c.checks = append(c.checks, check)
	}
	if len(c.whyBy) > 0 {
		for _, v := range recordedMinors() {
			if c.whyBy[v] == "" {
				return nil, fmt.Errorf("%s: //lab:why lines say nothing for %s", file, v)
			}
		}
	}
	return c, nil
}

// addHeaderLine adds one line of a file's opening comment to its
// paragraphs, and reports whether the comment goes on.
func addHeaderLine(paragraphs []string, line string) ([]string, bool) {
	text, ok := strings.CutPrefix(line, "//")
	if !ok {
		return paragraphs, false
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		paragraphs = append(paragraphs, "")
	case len(paragraphs) == 0:
		paragraphs = append(paragraphs, text)
	default:
		last := &paragraphs[len(paragraphs)-1]
		*last = strings.TrimSpace(*last + " " + text)
	}
	return paragraphs, true
}

// expandVersions turns go1.N+ into each version on record from go1.N on.
func expandVersions(versions []string) []string {
	var minors []string
	for _, v := range versions {
		from, onward := strings.CutSuffix(v, "+")
		if !onward {
			minors = append(minors, v)
			continue
		}
		for _, m := range recordedMinors() {
			if compareGoVersions(m, from) >= 0 {
				minors = append(minors, m)
			}
		}
	}
	return minors
}

// leadingVersions splits "go1.26 go1.27 rest" into the versions and the rest.
func leadingVersions(line string) (versions []string, rest string) {
	rest = strings.TrimSpace(line)
	for strings.HasPrefix(rest, "go1.") {
		word, after, _ := strings.Cut(rest, " ")
		versions = append(versions, word)
		rest = strings.TrimSpace(after)
	}
	return versions, rest
}

// checkVersions accepts only versions on record: a verdict for another Go
// was not observed here.
func checkVersions(versions []string) error {
	if len(versions) == 0 {
		return errors.New("no Go version: say which versions the verdict was seen on")
	}
	for _, v := range versions {
		if !slices.Contains(recordedMinors(), strings.TrimSuffix(v, "+")) {
			return fmt.Errorf("%s is not a Go version on record (%s, each alone or with + for it and every later Go; recordedGo in workshop/workspace.go)", v, strings.Join(recordedMinors(), ", "))
		}
	}
	return nil
}

// parseWant parses "go1.26 go1.27 -ldflags=... fails "TEXT"".
func parseWant(line string) (versions, flags []string, v verdict, err error) {
	versions, rest := leadingVersions(line)
	if err := checkVersions(versions); err != nil {
		return nil, nil, v, err
	}
	for strings.HasPrefix(rest, "-") {
		word, after, _ := strings.Cut(rest, " ")
		flags = append(flags, word)
		rest = strings.TrimSpace(after)
	}
	if rest == "" {
		return nil, nil, v, errors.New("no verdict")
	}
	kind, arg, _ := strings.Cut(rest, " ")
	v, err = parseVerdict(kind, strings.TrimSpace(arg))
	return versions, flags, v, err
}

func parseVerdict(kind, arg string) (verdict, error) {
	switch kind {
	case "builds", "vet-silent":
		if arg != "" {
			return verdict{}, fmt.Errorf("%s takes no argument", kind)
		}
		return verdict{kind: kind}, nil
	case "runs", "fails":
		text, err := strconv.Unquote(arg)
		if err != nil || text == "" {
			return verdict{}, fmt.Errorf("%s needs a quoted, non-empty Go string", kind)
		}
		return verdict{kind: kind, text: text}, nil
	case "runs-as", "fails-as":
		e, ok := exampleNamed(arg)
		if !ok {
			return verdict{}, fmt.Errorf("%s: no example %q", kind, arg)
		}
		if kind == "fails-as" {
			if e.plainFailure == "" {
				return verdict{}, fmt.Errorf("example %s has no expected failure", arg)
			}
			return verdict{kind: "fails", text: e.plainFailure}, nil
		}
		out, err := expectedOutput(e.name)
		return verdict{kind: "runs", text: out}, err
	}
	return verdict{}, fmt.Errorf("unknown verdict %q", kind)
}

// minorVersion cuts a Go version to its minor release: go1.26.8 and
// go1.27rc1 become go1.26 and go1.27. Anything else is returned as it is.
func minorVersion(v string) string {
	rest, ok := strings.CutPrefix(v, "go1.")
	if !ok {
		return v
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(rest)
	}
	return "go1." + rest[:end]
}

// compareGoVersions compares "go1.N" strings by N.
func compareGoVersions(a, b string) int {
	minor := func(v string) int {
		n, _ := strconv.Atoi(strings.TrimPrefix(minorVersion(v), "go1."))
		return n
	}
	return minor(a) - minor(b)
}
