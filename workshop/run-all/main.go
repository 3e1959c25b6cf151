// Command run-all is make run-all and make pull, push...: it builds the
// examples named (all by default) with one go build, runs each, and
// compares what it prints with its Example's // Output: comment. It is a
// small program of its own, not a command of bin/workshop, so that a first
// run on an empty build cache compiles little besides the examples.
package main

import (
	"fmt"
	"io"
	"os"

	"example.com/linkname/workshop/runner"
)

func main() {
	os.Exit(runAll(os.Args[1:], os.Stdout, os.Stderr))
}

// runAll runs the examples named in args from the workspace root and
// returns the exit status: 1 when a check failed, 2 outside a workspace.
func runAll(args []string, stdout, stderr io.Writer) int {
	if err := runner.ChdirToRoot(); err != nil {
		fmt.Fprintln(stderr, "run-all:", err)
		return 2
	}
	if !runner.RunExamples(runner.Local(nil, "bin", stdout), args) {
		return 1
	}
	return 0
}
