package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"example.com/linkname/workshop/runner"
)

// The workspace's two lists. Everything else derives from them: the
// Makefile's example targets (a block make docs writes), the runner's
// messages, the matrix's default Go versions, the lab's version checks and
// the tests.

// examples are the workspace's programs, in the order make run-all runs
// them. The list itself is runner.Examples (workshop/runner/runner.go), so
// that bin/run-all, a small program of its own, holds it too.
var examples = fromRunner(runner.Examples)

// recordedGo are the Go toolchains this workspace was run with. The lab
// records a verdict for each one's minor version, and make matrix runs
// them by default.
var recordedGo = []string{"go1.26.8", "go1.27.3"}

// An example is runner.Example in this package's words: one of the
// workspace's programs, its linker flags, and the line its build without
// them must fail with.
type example struct {
	name, ldflags, plainFailure string
}

func exampleNamed(name string) (example, bool) {
	e, ok := runner.Named(name)
	return fromRunner([]runner.Example{e})[0], ok
}

func exampleNames() []string { return runner.Names() }

// recordedMinors are the minor versions of recordedGo: go1.26, go1.27.
func recordedMinors() []string {
	var minors []string
	for _, v := range recordedGo {
		minors = append(minors, minorVersion(v))
	}
	return minors
}

// tools are how the workshop reaches the outside world: the go command
// (with the environment that picks its version, the Go toolchain), the
// programs it builds, bin/linkcheck, and where it puts them. Tests pass
// fakes.
type tools struct {
	// goCmd runs the go command from the workspace root and returns what
	// it printed, standard output and error together.
	goCmd func(args ...string) ([]byte, error)
	// run runs a built program and returns its standard output; an error
	// carries what it printed on standard error.
	run func(path string) (string, error)
	// linkcheck runs bin/linkcheck and returns its standard output.
	linkcheck func(args ...string) ([]byte, error)
	bin       string    // where builds go
	out       io.Writer // where checks report
}

// localTools are the go on PATH, with GOTOOLCHAIN set when gotoolchain
// is not "", building into bin.
func localTools(gotoolchain, bin string, out io.Writer) tools {
	env := os.Environ()
	if gotoolchain != "" {
		env = append(env, "GOTOOLCHAIN="+gotoolchain)
	}
	return tools{
		goCmd: runner.Local(env, bin, out).Go,
		run:   runProgram,
		linkcheck: func(args ...string) ([]byte, error) {
			return runner.Proc{Env: linkcheckEnv(env)}.Output(filepath.Join("bin", "linkcheck"+exeSuffix()), args...)
		},
		bin: bin,
		out: out,
	}
}

// goVersion asks the go command (which honours GOTOOLCHAIN) for its
// version. When it cannot answer, the error quotes its reason.
func (tc tools) goVersion() (string, error) {
	out, err := tc.goCmd("env", "GOVERSION")
	if err != nil {
		return "", fmt.Errorf("go env GOVERSION: %s", strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out)), nil
}

// firstClassPorts are the ports the Go project calls first class. An
// exercise's fix must satisfy linkcheck on each of them, not only on the
// machine that checks it: int is 4 bytes on the 32-bit ones.
var firstClassPorts = []string{
	"linux/386", "linux/amd64", "linux/arm", "linux/arm64",
	"darwin/amd64", "darwin/arm64", "windows/386", "windows/amd64",
}

// linkcheckBuild is the one way the workshop builds bin/linkcheck, from
// the workspace root: make test's step and make check's both run it, and
// the go command does nothing when bin/linkcheck is up to date.
var linkcheckBuild = []string{"build", "-o", "bin/", "./linkcheck"}

// linkcheckEnv is env for a run of bin/linkcheck that make starts: its
// cache goes to bin/cache, not to the user's cache folder.
func linkcheckEnv(env []string) []string {
	cache, err := filepath.Abs(filepath.Join("bin", "cache"))
	if err != nil {
		return env
	}
	return append(env, "LINKCHECK_CACHE="+cache)
}

// A linkcheckFinding is what the workshop reads of one finding of
// linkcheck -json: the fields linkcheck/README.md documents, never its
// prose.
type linkcheckFinding struct {
	Pos        string `json:"pos"`
	Local      string `json:"local"`
	Target     string `json:"target"`
	Mode       string `json:"mode"`
	BuildFails string `json:"build_fails"`
	// Diffs says how the two signatures differ, word by word.
	Diffs []string `json:"signature_diffs"`
}
