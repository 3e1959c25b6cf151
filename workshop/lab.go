package main

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The rules lab: each case is one Go file in some module's testdata/lab
// folder, a broken variant of a real file. Its header says what it breaks
// and, in //lab: lines, how to build it and what the toolchain answers:
//
//	//lab:replace PATH       this file stands in for PATH (which may not exist)
//	//lab:with PATH FILE     FILE, from the workspace root, stands in for PATH
//	//lab:delete PATH        PATH is hidden from the build
//	//lab:build PKG          the package to build (default: PATH's folder)
//	//lab:want VERSIONS [FLAGS] VERDICT
//
// VERSIONS are Go minor versions (go1.26) on which the verdict was
// observed; FLAGS are build flags (-ldflags=...). VERDICT is one of
//
//	builds              go build succeeds
//	runs "OUTPUT"       the program prints exactly OUTPUT (a Go string)
//	runs-as EXAMPLE     the program prints what EXAMPLE's Example expects
//	fails "TEXT"        go build fails and prints TEXT
//	fails-as EXAMPLE    go build fails as EXAMPLE does without its flags
//	vet-clean           go vet reports nothing
//
// Files without //lab:want lines are companions that cases pull in.
//
// The build uses go build -overlay, so nothing in the workspace changes,
// and `diff pull/main.go pull/testdata/lab/NAME.go` shows the break.

const labGlob = "*/testdata/lab/*.go"

type labCase struct {
	name    string
	file    string
	title   string            // the header's first paragraph: what the case breaks
	why     string            // the first sentence of its second paragraph
	overlay map[string]string // workspace path -> file standing in ("" hides it)
	pkg     string
	checks  []labCheck
}

// A labCheck is one build of a case with one set of flags, and what it is
// expected to do on each Go version on record.
type labCheck struct {
	flags []string
	want  map[string]verdict // by Go minor version, as "go1.26"
}

type verdict struct {
	kind string // builds, runs, fails or vet-clean
	text string // the output for runs, the message for fails
}

func (v verdict) String() string {
	switch v.kind {
	case "runs", "fails":
		return fmt.Sprintf("%s: %q", v.kind, strings.TrimSuffix(v.text, "\n"))
	}
	return v.kind
}

// labResult is what one check did on one Go version.
type labResult struct {
	c          *labCase
	check      labCheck
	want       verdict
	unverified string // the Go version, when no expectation was recorded for it
	overlay    string // the case's overlay file, shared by its checks
	bin        string // where a program that runs is built, one per check
	ok         bool
	detail     string // what went wrong
	output     string // the go command's and the program's output
	command    string
}

func (r labResult) label() string {
	label := r.c.name
	if r.want.kind == "vet-clean" {
		label += " (go vet)"
	}
	if len(r.check.flags) > 0 {
		label += " " + strings.Join(r.check.flags, " ")
	}
	return label
}

func runLab(args []string) bool {
	cases, err := loadLab()
	if err != nil {
		fatalf("%v", err)
	}
	if len(args) > 1 || len(args) == 1 && args[0] == "" {
		fatalf("usage: workshop lab [CASE]")
	}
	verbose := false
	if len(args) == 1 {
		i := slices.IndexFunc(cases, func(c *labCase) bool { return c.name == args[0] })
		if i < 0 {
			var names []string
			for _, c := range cases {
				names = append(names, c.name)
			}
			fatalf("no lab case %q; cases: %s", args[0], strings.Join(names, ", "))
		}
		cases, verbose = cases[i:i+1], true
	}
	version, err := goMinorVersion()
	if err != nil {
		fatalf("%v", err)
	}
	results := runLabChecks(cases, version)
	passed := 0
	for _, r := range results {
		status := "FAIL"
		if r.ok {
			status, passed = "PASS", passed+1
		}
		if verbose {
			fmt.Printf("$ %s\n%s", r.command, r.output)
		}
		line := fmt.Sprintf("%s  %-45s %s", status, r.label(), r.want)
		if r.unverified != "" {
			line += " (unverified on " + r.unverified + ")"
		}
		fmt.Println(line)
		if !r.ok {
			fmt.Print(indent(r.detail))
		}
	}
	fmt.Printf("lab: %d passed, %d failed\n", passed, len(results)-passed)
	return passed == len(results)
}

// runLabChecks runs every check of every case, two at a time, and returns
// the results in case order. Each case's overlay is written before any of
// its checks runs, since they run side by side.
func runLabChecks(cases []*labCase, version string) []labResult {
	var results []labResult
	for _, c := range cases {
		overlay, err := c.writeOverlay()
		if err != nil {
			fatalf("%v", err)
		}
		for i, check := range c.checks {
			want, unverified := check.expectation(version)
			bin := filepath.Join(binDir, "lab", c.name+exeSuffix())
			if i > 0 {
				bin = filepath.Join(binDir, "lab", fmt.Sprintf("%s.%d%s", c.name, i, exeSuffix()))
			}
			results = append(results, labResult{c: c, check: check, want: want, unverified: unverified, overlay: overlay, bin: bin})
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range results {
		wg.Add(1)
		go func(r *labResult) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r.run()
		}(&results[i])
	}
	wg.Wait()
	return results
}

// expectation returns the verdict recorded for version, or else the one
// recorded for the newest version, with that version to flag it.
func (check labCheck) expectation(version string) (verdict, string) {
	if v, ok := check.want[version]; ok {
		return v, ""
	}
	newest := ""
	for v := range check.want {
		if newest == "" || compareGoVersions(v, newest) > 0 {
			newest = v
		}
	}
	return check.want[newest], version
}

func (r *labResult) run() {
	args := []string{"build", "-overlay", r.overlay}
	if r.want.kind == "vet-clean" {
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
	r.command = "go " + strings.Join(args, " ")
	out, err := goCommand(args...)
	r.output = string(out)
	switch r.want.kind {
	case "builds":
		r.ok = err == nil
	case "vet-clean":
		r.ok = err == nil && len(out) == 0
	case "fails":
		r.ok = err != nil && strings.Contains(r.output, r.want.text)
	case "runs":
		if err == nil {
			var got string
			got, err = runBinary(r.bin)
			r.output += got
			r.ok = err == nil && got == r.want.text
		}
	}
	if !r.ok {
		r.detail = fmt.Sprintf("$ %s\n%s", r.command, r.output)
		if err != nil {
			r.detail += err.Error() + "\n"
		}
	}
}

// writeOverlay writes the case's overlay file for go build -overlay, with
// absolute paths, into bin/lab, and returns its path.
func (c *labCase) writeOverlay() (string, error) {
	root, err := os.Getwd()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("{\"Replace\": {")
	keys := slices.Sorted(maps.Keys(c.overlay))
	for i, path := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		from := c.overlay[path]
		if from != "" {
			from = filepath.Join(root, from)
		}
		b.WriteString(strconv.Quote(filepath.Join(root, path)) + ": " + strconv.Quote(from))
	}
	b.WriteString("}}\n")
	file := filepath.Join(binDir, "lab", c.name+".overlay.json")
	if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
		return "", err
	}
	return file, os.WriteFile(file, []byte(b.String()), 0o666)
}

// loadLab reads every case, in a stable order.
func loadLab() ([]*labCase, error) {
	files, err := filepath.Glob(labGlob)
	if err != nil {
		return nil, err
	}
	var cases []*labCase
	seen := map[string]string{}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		c, err := parseLabCase(filepath.ToSlash(file), string(src))
		if err != nil {
			return nil, err
		}
		if c == nil {
			continue // a companion file
		}
		if other, dup := seen[c.name]; dup {
			return nil, fmt.Errorf("%s and %s: two lab cases named %s", other, file, c.name)
		}
		seen[c.name] = file
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("no lab cases match %s", labGlob)
	}
	return cases, nil
}

// parseLabCase reads the //lab: lines of one file. It returns nil for a
// file with no //lab:want line.
func parseLabCase(file, src string) (*labCase, error) {
	c := &labCase{
		name:    strings.TrimSuffix(filepath.Base(file), ".go"),
		file:    file,
		overlay: map[string]string{},
	}
	checks := map[string]*labCheck{}
	var order []string
	var paragraphs []string
	inHeader := true
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
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", file, n, fmt.Sprintf(format, args...))
		}
		fields := strings.Fields(rest)
		switch directive {
		case "//lab:replace", "//lab:delete", "//lab:build":
			if !ok || len(fields) != 1 {
				return nil, fail("%s takes one path", directive)
			}
		case "//lab:with":
			if len(fields) != 2 {
				return nil, fail("//lab:with takes PATH FILE")
			}
		}
		switch directive {
		case "//lab:replace":
			c.overlay[fields[0]] = file
			if c.pkg == "" {
				c.pkg = "./" + filepath.ToSlash(filepath.Dir(fields[0]))
			}
		case "//lab:with":
			c.overlay[fields[0]] = fields[1]
		case "//lab:delete":
			c.overlay[fields[0]] = ""
		case "//lab:build":
			c.pkg = fields[0]
		case "//lab:want":
			versions, flags, v, err := parseWant(rest)
			if err != nil {
				return nil, fail("%v", err)
			}
			// go vet and go build are separate checks, even with the same flags.
			key := fmt.Sprint(v.kind == "vet-clean", flags)
			check := checks[key]
			if check == nil {
				check = &labCheck{flags: flags, want: map[string]verdict{}}
				checks[key] = check
				order = append(order, key)
			}
			for _, version := range versions {
				if _, dup := check.want[version]; dup {
					return nil, fail("a second expectation for %s", version)
				}
				check.want[version] = v
			}
		default:
			return nil, fail("unknown directive %s", directive)
		}
	}
	if len(order) == 0 {
		return nil, nil
	}
	if len(paragraphs) < 2 {
		return nil, fmt.Errorf("%s: the header should say what the case breaks, then why, in two paragraphs", file)
	}
	c.title = paragraphs[0]
	c.why, _, _ = strings.Cut(paragraphs[1]+" ", ". ")
	c.why = strings.TrimSuffix(c.why, " ") + "."
	c.why = strings.TrimSuffix(c.why, "..")
	if c.pkg == "" {
		return nil, fmt.Errorf("%s: no //lab:replace or //lab:build line says what to build", file)
	}
	for _, key := range order {
		c.checks = append(c.checks, *checks[key])
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

// parseWant parses "go1.26 go1.27 -ldflags=... fails "TEXT"".
func parseWant(line string) (versions, flags []string, v verdict, err error) {
	rest := strings.TrimSpace(line)
	for rest != "" {
		word, after, _ := strings.Cut(rest, " ")
		switch {
		case strings.HasPrefix(word, "go1."):
			versions = append(versions, word)
		case strings.HasPrefix(word, "-"):
			flags = append(flags, word)
		default:
			v, err = parseVerdict(word, strings.TrimSpace(after))
			if err == nil && len(versions) == 0 {
				err = errors.New("no Go version: say which versions the verdict was seen on")
			}
			return versions, flags, v, err
		}
		rest = strings.TrimSpace(after)
	}
	return nil, nil, v, errors.New("no verdict")
}

func parseVerdict(kind, arg string) (verdict, error) {
	switch kind {
	case "builds", "vet-clean":
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

// goMinorVersion asks the go command (which honours GOTOOLCHAIN) for its
// version, and returns its minor release.
func goMinorVersion() (string, error) {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOVERSION: %v", err)
	}
	return minorVersion(strings.TrimSpace(string(out))), nil
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
		n, _ := strconv.Atoi(strings.TrimPrefix(v, "go1."))
		return n
	}
	return minor(a) - minor(b)
}
