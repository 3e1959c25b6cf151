// Command workshop is the machinery behind the Makefile: it runs the
// examples and checks their output, runs the rules lab, keeps the
// documents in step with the code, runs every check of make test, and
// measures. It works from the workspace root, and finds it from any folder
// inside.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"example.com/linkname/workshop/runner"
)

// A command is one workshop subcommand. Add one by adding a row.
type command struct {
	name, args, help string
	run              func(args []string) bool
}

var commands = []command{
	{"run", "[example...]", "build and run the examples, check each output", func(args []string) bool {
		return runExamples(localToolchain("", "bin", os.Stdout), args)
	}},
	{"lab", "[case]", "break the rules on purpose, check the toolchain's answers", func(args []string) bool {
		return runLab(localToolchain("", "bin", os.Stdout), args)
	}},
	{"docs", "[-check]", "regenerate the documents' generated blocks (-check: fail if one is stale)", func(args []string) bool {
		return docs(os.Stdout, args)
	}},
	{"test", "", "every check of make test, one after the other, and a summary", func(args []string) bool {
		return len(args) == 0 && testAll(localToolchain("", "bin", os.Stdout))
	}},
	{"matrix", "[GOTOOLCHAIN...]", "run the examples and the lab under each Go (default: $GO_VERSIONS, else those on record)", func(args []string) bool {
		if len(args) == 0 {
			args = goVersions()
		}
		return matrix(os.Stdout, args, func(v string) toolchain {
			return localToolchain(v, filepath.Join("bin", v), io.Discard)
		}, matrixRecord)
	}},
	{"bench", "[-count N] [-record]", "run the benchmarks; print min, median and max (-record: keep them)", func(args []string) bool {
		return bench(localToolchain("", "bin", os.Stdout), benchRecord, args)
	}},
	{"timings", "[-n N] [-cold N]", "time make run-all against a bare go build, warm and cold", timings},
	{"exercise", "[start|check|hint|reset] [name]", "the hands-on exercises, copied into scratch/ (no name: list them)", exercise},
	{"copy-out", "-mode M -dir D -module P", "write example M as a module of its own into D", copyOutCommand},
	{"slides", "[-addr ADDR]", "serve the session as slides on this machine, with Run controls that build for real", slidesCommand},
	{"slides-page", "", "the slides' page, written from the workspace (bin/slides serves it)", slidesPage},
	{"slides-run", "name", "one example or lab case under each installed Go on record, as JSON (bin/slides asks for it)", slidesRun},
	{"lab-compare", "name", "build one lab case or example under each Go on record that is installed, side by side", labCompare},
	{"warm-up", "[-go all]", "build everything the session runs, so that the room may go offline (-go all: fetch the other Go on record too)", warmUpCommand},
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
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage())
		os.Exit(2)
	}
	if err := runner.ChdirToRoot(); err != nil {
		fatalf("%v", err)
	}
	for _, c := range commands {
		if c.name == os.Args[1] {
			if !c.run(os.Args[2:]) {
				os.Exit(1)
			}
			return
		}
	}
	fmt.Fprintf(os.Stderr, "workshop: no command %q\n%s", os.Args[1], usage())
	os.Exit(2)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "workshop: "+format+"\n", args...)
	os.Exit(2)
}
