package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
)

// What the command line names, as the go command reads it: package
// patterns, or (when the first ends in .go) the Go files of one package,
// as in go build main.go or go vet a.go b.go.

// namesFiles reports whether the arguments are Go files rather than
// package patterns: the go command decides it by the first.
func namesFiles(patterns []string) bool {
	return len(patterns) > 0 && strings.HasSuffix(patterns[0], ".go")
}

// goList runs go list (args, then the patterns) in dir, and returns its
// JSON. Every program links runtime, but go list names it only as a
// dependency of a main package: a library named alone needs it too, for
// the standard library's marks, and addedRuntime says that linkcheck
// asked for it. Files cannot be listed with a package in one go list:
// runtime is then listed by a second, and a package both print comes
// twice (load keeps the first).
func goList(tc *toolchain, dir string, args, patterns []string) (out []byte, addedRuntime bool, err error) {
	addedRuntime = !slices.ContainsFunc(patterns, func(p string) bool { return slices.Contains([]string{"runtime", "std", "all", "..."}, p) })
	run := func(names ...string) ([]byte, error) {
		cmd := exec.Command("go", append(slices.Clone(args), names...)...)
		cmd.Env, cmd.Dir = tc.env, dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list: %v: %s", err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	switch {
	case !addedRuntime:
		out, err = run(patterns...)
	case !namesFiles(patterns):
		out, err = run(append(slices.Clone(patterns), "runtime")...)
	default:
		var runtimeOut []byte
		if out, err = run(patterns...); err == nil {
			runtimeOut, err = run("runtime")
		}
		out = append(out, runtimeOut...)
	}
	return out, addedRuntime, err
}

// listError is the go command's error for a package of the build, which
// go build would stop at: a package named, or one the program imports.
// A package without Go files (an overlay can hide them all) fails the
// build as well, unless only a wildcard matched it, as with go build
// ./... over a folder of tests alone.
func (p *pkg) listError() error {
	switch {
	case p.Error != nil:
		return fmt.Errorf("%s: %s", p.ImportPath, p.Error.Err)
	case len(p.GoFiles)+len(p.CgoFiles) > 0:
		return nil
	case p.DepOnly || slices.ContainsFunc(p.Match, isLiteral):
		return fmt.Errorf("%s: no non-test Go files in %s", p.ImportPath, p.Dir)
	}
	return nil
}

// isLiteral reports whether a pattern names one package rather than
// matching several.
func isLiteral(pattern string) bool {
	return !strings.Contains(pattern, "...") && !slices.Contains([]string{"all", "std", "cmd", "tool", "work"}, pattern)
}

// unmatched returns an error naming the patterns that matched no package:
// go list only warns, and nothing would be checked.
func (prog *program) unmatched(patterns []string) error {
	var none []string
	for _, pattern := range patterns {
		if !slices.ContainsFunc(prog.pkgs, func(p *pkg) bool { return slices.Contains(p.Match, pattern) }) {
			none = append(none, pattern)
		}
	}
	switch {
	case len(none) == 1:
		return fmt.Errorf("pattern %s matched no packages", none[0])
	case len(none) > 1:
		return fmt.Errorf("patterns %s matched no packages", strings.Join(none, " "))
	}
	return nil
}
