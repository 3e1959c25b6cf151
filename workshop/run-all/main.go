// Command run-all is make run-all and make pull, push...: it builds the
// examples named (all by default) with one go build, runs each, and
// compares what it prints with its Example's // Output: comment. It is a
// small program of its own, not a command of bin/workshop, so that a first
// run on an empty build cache compiles little besides the examples.
package main

import (
	"fmt"
	"os"

	"example.com/linkname/workshop/runner"
)

func main() {
	if err := runner.ChdirToRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "run-all:", err)
		os.Exit(2)
	}
	if !runner.RunExamples(runner.Local(nil, "bin", os.Stdout), os.Args[1:]) {
		os.Exit(1)
	}
}
