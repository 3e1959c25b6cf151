package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

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
