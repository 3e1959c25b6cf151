package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// An allow file names the references that a program may make only when it
// is linked with -ldflags=-checklinkname=0. Each line is one of:
//
//	(blank)
//	# a comment
//	PACKAGE SYMBOL # REASON
//
// PACKAGE is the import path of the package that makes the reference (the
// "package" of -json), SYMBOL the target it names ("fmt.tooLarge",
// "example.com/x.(*T).m"), REASON why the program needs it: required, not
// empty. Fields are separated by spaces or tabs; a "#" starts the reason
// and must follow a blank. An entry covers every reference that PACKAGE
// makes to SYMBOL; two lines may not name the same pair.

// An allowEntry is one entry of an allow file.
type allowEntry struct {
	pkg, symbol, reason string
	line                int
}

// An allowList is a parsed allow file.
type allowList struct {
	file    string // as the command line names it
	entries []allowEntry
}

// parseAllow reads an allow file. Every malformed line is reported, as
// file:line: message, in one error.
func parseAllow(file string, data []byte) (*allowList, error) {
	list := &allowList{file: file}
	var problems []string
	seen := map[[2]string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		entry, problem := parseAllowLine(strings.TrimSuffix(line, "\r"))
		if problem == "" && entry.pkg != "" {
			key := [2]string{entry.pkg, entry.symbol}
			if first, dup := seen[key]; dup {
				problem = fmt.Sprintf("%s %s is listed on line %d already", entry.pkg, entry.symbol, first)
			}
			seen[key] = n
		}
		if problem != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: %s", file, n, problem))
			continue
		}
		if entry.pkg != "" {
			entry.line = n
			list.entries = append(list.entries, entry)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s\n%s", strings.Join(problems, "\n"), allowFormat)
	}
	return list, nil
}

// allowFormat is what a malformed allow file is told.
const allowFormat = "an allow file's line is blank, a # comment, or PACKAGE SYMBOL # REASON (example.com/me/app fmt.tooLarge # why it is needed)"

// parseAllowLine parses one line; an empty entry and no problem stand for
// a blank line or a comment.
func parseAllowLine(line string) (allowEntry, string) {
	before, reason, hasReason := strings.Cut(line, "#")
	fields := strings.FieldsFunc(before, isBlank)
	switch {
	case len(fields) == 0:
		return allowEntry{}, "" // a blank line, or a comment
	case strings.ContainsFunc(before, func(r rune) bool { return r < ' ' && !isBlank(r) }):
		return allowEntry{}, "a control character: only spaces and tabs separate the fields"
	case len(fields) == 1:
		return allowEntry{}, fmt.Sprintf("%q alone: want PACKAGE SYMBOL # REASON", fields[0])
	case len(fields) > 2:
		return allowEntry{}, fmt.Sprintf("%d fields before the reason, want 2 (PACKAGE SYMBOL): a reason starts with #", len(fields))
	case !hasReason:
		return allowEntry{}, fmt.Sprintf("no reason: end the line with # and why %s needs %s", fields[0], fields[1])
	case !isBlank(rune(before[len(before)-1])):
		return allowEntry{}, "a blank must come before the # that starts the reason"
	case strings.TrimFunc(reason, isBlank) == "":
		return allowEntry{}, "an empty reason: say after the # why " + fields[0] + " needs " + fields[1]
	}
	pkg, symbol := fields[0], fields[1]
	if problem := checkImportPath(pkg); problem != "" {
		return allowEntry{}, "package " + problem
	}
	path, name := splitSymbol(symbol)
	if path == "" || name == "" || checkImportPath(path) != "" {
		return allowEntry{}, fmt.Sprintf("%q is not a symbol: want the target as the directive names it, a package path, a dot and a name (fmt.tooLarge)", symbol)
	}
	return allowEntry{pkg: pkg, symbol: symbol, reason: strings.TrimFunc(reason, isBlank)}, ""
}

func isBlank(r rune) bool { return r == ' ' || r == '\t' }

// checkImportPath says what is wrong with an import path, or "".
func checkImportPath(path string) string {
	if strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") || strings.Contains(path, "//") {
		return fmt.Sprintf("%q: an import path has no empty element", path)
	}
	for _, r := range path {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~+/", r)) {
			return fmt.Sprintf("%q: %q has no place in an import path", path, r)
		}
	}
	return ""
}

// readAllow reads and parses the allow file.
func readAllow(file string) (*allowList, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return parseAllow(file, data)
}

// An allowVerdict says, with -allow, what a reference needs of
// -checklinkname=0 and whether the allow file lets it have it.
type allowVerdict struct {
	// NeedsFlag: the line fails the linker's standard-library check, and
	// links only with -ldflags=-checklinkname=0.
	NeedsFlag bool `json:"needs_flag"`
	// Allowed: the allow file lists the reference; Entry is that line.
	Allowed bool   `json:"allowed"`
	Entry   string `json:"entry,omitempty"`
	// Reason and Fails: the line's reason code without the flag, and
	// what the linker prints then when the line needs the flag.
	Reason string `json:"reason_without_flag"`
	Fails  string `json:"build_fails_without_flag,omitempty"`
	// entry is the line that would list it.
	entry string
}

func (v *allowVerdict) String() string {
	switch {
	case v.NeedsFlag && v.Allowed:
		return fmt.Sprintf("      needs -checklinkname=0, allowed by %s (without it: %s, %s)\n", v.Entry, v.Reason, v.Fails)
	case v.NeedsFlag:
		return fmt.Sprintf("      NOT ALLOWED: needs -checklinkname=0 (without it: %s, %s), and the allow file does not list it: %s # REASON\n", v.Reason, v.Fails, v.entry)
	case v.Allowed:
		return fmt.Sprintf("      does not need -checklinkname=0 (%s), but %s allows it: a stale entry\n", v.Reason, v.Entry)
	}
	return fmt.Sprintf("      does not need -checklinkname=0 (%s)\n", v.Reason)
}

// isReference reports whether the finding is a reference that the linker's
// standard-library check looks at: a pull, or a reference from assembly.
func (f finding) isReference() bool {
	return f.Link != linkExcluded && (f.Mode == modePull || f.Mode == modeHandshake || f.Local == asmReference)
}

// An allowResult is what -allow finds beyond the findings.
type allowResult struct {
	list *allowList
	// unlisted: the references outside the list that need the flag.
	unlisted int
	// allowed: the references the list allows that need the flag.
	allowed int
	// stale: the entries that no reference needing the flag matches.
	stale []string
}

// applyAllow checks prog as linked with -ldflags=-checklinkname=0 and as
// linked without, and returns the first set of findings, each reference
// marked with what it needs of the flag and whether list allows it.
func applyAllow(prog *program, opts options, list *allowList) ([]finding, *allowResult) {
	opts.checkOff = false
	without := analyze(prog, opts)
	opts.checkOff, opts.asmLinks = true, true
	with := analyze(prog, opts)
	type key struct{ pos, local, target string }
	before := map[key]finding{}
	for _, f := range without {
		before[key{f.Pos, f.Local, f.Target}] = f
	}
	res := &allowResult{list: list}
	needed := map[int]bool{} // entries that a reference needing the flag matches
	findings := with[:0:0]
	for _, f := range with {
		b, found := before[key{f.Pos, f.Local, f.Target}]
		// A reference from assembly that links either way is left out,
		// as without -allow.
		if f.Local == asmReference && f.Link == linkOK && (!found || b.Link == linkOK) {
			continue
		}
		if f.isReference() && f.Module != "std" {
			v := &allowVerdict{Reason: f.Reason, entry: f.Package + " " + f.Target}
			if found {
				v.Reason = b.Reason
				// The line needs the flag when it fails without it and
				// links with it.
				v.NeedsFlag = b.Link == linkFails && f.Link == linkOK
				if v.NeedsFlag {
					v.Fails = b.Fails
				}
			}
			if e := list.find(f.Package, f.Target); e != nil {
				v.Allowed, v.Entry = true, fmt.Sprintf("%s:%d", list.file, e.line)
				if v.NeedsFlag {
					needed[e.line] = true
				}
			}
			switch {
			case v.NeedsFlag && v.Allowed:
				res.allowed++
			case v.NeedsFlag:
				res.unlisted++
			}
			f.Allow = v
		}
		findings = append(findings, f)
	}
	for _, e := range list.entries {
		if needed[e.line] {
			continue
		}
		why := "no reference from " + e.pkg + " to " + e.symbol + " in this build"
		if i := slices.IndexFunc(findings, func(f finding) bool { return f.Allow != nil && f.Package == e.pkg && f.Target == e.symbol }); i >= 0 {
			f := findings[i]
			why = e.pkg + "'s reference to " + e.symbol + " links without -checklinkname=0 (" + f.Allow.Reason + ")"
			if f.Link == linkFails {
				why = e.pkg + "'s reference to " + e.symbol + " fails with the flag too (" + f.Reason + "): the flag does not help it"
			}
		}
		res.stale = append(res.stale, fmt.Sprintf("%s:%d: stale entry: %s", list.file, e.line, why))
	}
	return findings, res
}

func (l *allowList) find(pkg, symbol string) *allowEntry {
	for i, e := range l.entries {
		if e.pkg == pkg && e.symbol == symbol {
			return &l.entries[i]
		}
	}
	return nil
}

// writeStale warns of the stale entries: they do not change the exit
// status, as a line may need the flag under another Go or on another
// platform only.
func (res *allowResult) writeStale(w io.Writer) {
	for _, s := range res.stale {
		fmt.Fprintf(w, "linkcheck: warning: %s\n", s)
	}
}

// summary is the text output's last line.
func (res *allowResult) summary() string {
	s := fmt.Sprintf("allow (the build predicted with -ldflags=-checklinkname=0): %s lists %s; lines that need -checklinkname=0: %d listed, %d not listed; stale entries: %d",
		res.list.file, plural(len(res.list.entries), "reference"), res.allowed, res.unlisted, len(res.stale))
	if res.unlisted > 0 {
		return s + ": a line outside the list needs the flag\n"
	}
	return s + ": every line that needs the flag is listed\n"
}

// runAllow is linkcheck -allow: the findings of the build with the flag,
// each reference marked, stale entries warned of on stderr. It returns
// errFails when a finding is an error or a reference that needs the flag
// is not listed.
func runAllow(tc *toolchain, prog *program, opts options, list *allowList, asJSON bool, stdout, stderr io.Writer) error {
	findings, res := applyAllow(prog, opts, list)
	tc.writing.Wait()
	if asJSON {
		writeJSON(stdout, findings)
	} else {
		fmt.Fprint(stdout, report(tc, findings, prog.isProgram())+res.summary())
	}
	res.writeStale(stderr)
	if res.unlisted > 0 {
		return errFails
	}
	return findingsError(findings)
}
