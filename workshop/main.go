// Command workshop is the machinery behind the Makefile: it runs the
// examples and checks their output, runs the rules lab, keeps README.md in
// step with the code, and measures. Run it from the workspace root, as make
// does.
package main

import (
	"fmt"
	"os"
)

const usage = `usage: workshop <command> [args]

  run [example...]    build and run the examples, check each output
  lab [case]          break the rules on purpose, check the toolchain's answers
  docs [-check]       regenerate README.md (with -check: fail if it is stale)
  matrix              run everything under each Go in $GO_VERSIONS
  bench [-count N]    run the benchmarks, print and record the medians
  timings [-n N]      time make run-all against a bare go build, warm and cold
  linkcheck-real [-check]
                      hold bin/linkcheck's predictions against the linker on
                      published modules, record them (-check: compare)
  linkcheck-speed [-n N]
                      time whole-program linkcheck against go list (network)
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if _, err := os.Stat("go.work"); err != nil {
		fatalf("run me from the workspace root (no go.work here)")
	}
	cmd, args := os.Args[1], os.Args[2:]
	var ok bool
	switch cmd {
	case "run":
		ok = runExamples(args)
	case "lab":
		ok = runLab(args)
	case "docs":
		ok = docs(args)
	case "matrix":
		ok = matrix()
	case "bench":
		ok = bench(args)
	case "timings":
		ok = timings(args)
	case "linkcheck-real":
		ok = linkcheckReal(args)
	case "linkcheck-speed":
		ok = linkcheckSpeed(args)
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "workshop: "+format+"\n", args...)
	os.Exit(2)
}
