// Command workshop is the machinery behind the Makefile: it runs the
// examples and checks their output, runs the rules lab, keeps the
// documents in step with the code, runs every check of make test, and
// measures. It works from the workspace root, and finds it from any folder
// inside.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"example.com/linkname/workshop/runner"
)

// A command is one workshop subcommand. Add one by adding a row. It
// returns an error, which main reports, or nil; a command that has said
// itself what failed returns errFailed or errUsage.
type command struct {
	name, args, help string
	run              func(args []string) error
}

var commands = []command{
	{"run", "[example...]", "build and run the examples, check each output", func(args []string) error {
		return passed(runExamples(localTools("", "bin", os.Stdout), args))
	}},
	{"lab", "[case]", "break the rules on purpose, check the toolchain's answers", func(args []string) error {
		return passed(runLab(localTools("", "bin", os.Stdout), args))
	}},
	{"docs", "[-check]", "regenerate the documents' generated blocks (-check: fail if one is stale)", func(args []string) error {
		return passed(docs(os.Stdout, args))
	}},
	{"test", "", "every check of make test, one after the other, and a summary", func(args []string) error {
		return passed(len(args) == 0 && testAll(localTools("", "bin", os.Stdout), testSteps()))
	}},
	{"matrix", "[GOTOOLCHAIN...]", "run the examples and the lab under each Go (default: $GO_VERSIONS, else those on record)", func(args []string) error {
		if len(args) == 0 {
			args = goVersions()
		}
		return passed(matrix(os.Stdout, args, func(v string) tools {
			return localTools(v, filepath.Join("bin", v), io.Discard)
		}, matrixRecord))
	}},
	{"bench", "[-count N] [-record]", "run the benchmarks; print min, median and max (-record: keep them)", func(args []string) error {
		return passed(bench(localTools("", "bin", os.Stdout), benchRecord, args))
	}},
	{"timings", "[-n N] [-cold N]", "time make run-all against a bare go build, warm and cold", timings},
	{"exercise", "[start|check|hint|reset] [name]", "the hands-on exercises, copied into scratch/ (no name: list them)", exercise},
	{"copy-out", "-mode M -dir D -module P", "write example M as a module of its own into D", copyOutCommand},
	{"slides", "[-addr ADDR]", "serve the session as slides on this machine, with Run controls that build for real", reportedBy(slidesCommand)},
	{"slides-page", "", "the slides' page, written from the workspace (bin/slides serves it)", reportedBy(slidesPage)},
	{"slides-run", "name", "one example or lab case under each installed Go on record, as JSON (bin/slides asks for it)", reportedBy(slidesRun)},
	{"lab-compare", "name", "build one lab case or example under each Go on record that is installed, side by side", reportedBy(labCompare)},
	{"warm-up", "[-go all]", "build everything the session runs, so that the room may go offline (-go all: fetch the other Go on record too)", reportedBy(warmUpCommand)},
}

func usage() string {
	var b strings.Builder
	b.WriteString("usage: workshop <command> [args]\n\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-40s %s\n", c.name+" "+c.args, c.help)
	}
	return b.String()
}

func main() {
	os.Exit(workshop(os.Args[1:], os.Stderr))
}

// workshop runs the command args name and returns the exit status: 0
// when it passed, 1 when a check failed (the command has said which), 2
// when it could not do its job (the error, reported here once) or was
// asked wrongly.
func workshop(args []string, stderr io.Writer) int {
	if len(args) < 1 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0] })
	if i < 0 {
		fmt.Fprintf(stderr, "workshop: no command %q\n%s", args[0], usage())
		return 2
	}
	err := runner.ChdirToRoot()
	if err == nil {
		err = commands[i].run(args[1:])
	}
	var code exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	}
	fmt.Fprintf(stderr, "workshop: %v\n", err)
	return 2
}

// An exitCode is a command's end that the command has reported itself:
// main adds nothing, and exits with it.
type exitCode int

const (
	errFailed exitCode = 1 // a check failed
	errUsage  exitCode = 2 // the command was asked wrongly
)

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// passed is the error of a command that reports its own checks.
func passed(ok bool) error {
	if !ok {
		return errFailed
	}
	return nil
}

// parseError is a command's end when its flags did not parse: the flag
// package has said why, and -h is an answer, not a failure.
func parseError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return errUsage
}

// reportedBy adapts a command that reports its own checks.
func reportedBy(run func(args []string) bool) func(args []string) error {
	return func(args []string) error { return passed(run(args)) }
}
