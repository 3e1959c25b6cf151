// Package runner builds the workspace's examples, runs them, and compares
// what each prints with its Example's // Output: comment. It is make
// run-all, both in bin/run-all (a small program built before the examples)
// and in bin/workshop's make test. It imports few packages beyond those
// the examples need (not even os/exec: on an empty build cache, compiling
// it and what it imports would cost about a third of a second of CPU), so
// that a first make run-all compiles little besides the examples.
package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// Examples are the workspace's programs, in the order make run-all runs
// them: the one list of them, which everything else derives from.
var Examples = []Example{
	{Name: "pull"},
	{Name: "push"},
	{Name: "handshake"},
	{Name: "stdlib", Ldflags: "-checklinkname=0", PlainFailure: "link: main: invalid reference to fmt.tooLarge"},
}

// An Example is one of the workspace's programs. Its expected output is
// not written here: it is the // Output: comment of the Example in the
// program's main_test.go, so that go test, make run-all and the README all
// read the same lines.
type Example struct {
	Name    string // its folder, and its binary's name in bin/
	Ldflags string // linker flags it cannot link without
	// PlainFailure is the line the linker must print when the program is
	// built without Ldflags.
	PlainFailure string
}

// Named returns the example called name.
func Named(name string) (Example, bool) {
	for _, e := range Examples {
		if e.Name == name {
			return e, true
		}
	}
	return Example{}, false
}

// Names are the examples' names, in order.
func Names() []string {
	var names []string
	for _, e := range Examples {
		names = append(names, e.Name)
	}
	return names
}

// Tools are how the runner reaches the outside world. Tests pass fakes.
type Tools struct {
	// Go runs the go command from the workspace root and returns what it
	// printed, standard output and error together.
	Go func(args ...string) ([]byte, error)
	// Run runs a built program and returns its standard output; an error
	// carries what it printed on standard error.
	Run func(path string) (string, error)
	Bin string    // where builds go
	Out io.Writer // where checks report
}

// Local is the go on PATH, run with env (nil: this process's), building
// into bin.
func Local(env []string, bin string, out io.Writer) Tools {
	return Tools{
		Go: func(args ...string) ([]byte, error) {
			return Proc{Env: env}.Combined("go", args...)
		},
		Run: RunProgram,
		Bin: bin,
		Out: out,
	}
}

// A Row is the outcome of one check, as a row of the matrix.
type Row struct {
	Label   string
	Want    string // what it should do, in a word: runs, fails
	Problem string // what went wrong, "" when the check passed
}

// RunExamples builds the named examples (all by default) with one go
// build, runs each, checks what it prints, and ends with a summary line.
func RunExamples(t Tools, names []string) bool {
	var chosen []Example
	for _, name := range names {
		e, ok := Named(name)
		if !ok {
			fmt.Fprintf(t.Out, "no example %q; the examples are: %s\n", name, strings.Join(Names(), ", "))
			return false
		}
		chosen = append(chosen, e)
	}
	if len(chosen) == 0 {
		chosen = Examples
	}
	rows := Check(t, chosen)
	fmt.Fprint(t.Out, Summary(chosen, rows))
	for _, r := range rows {
		if r.Problem != "" {
			return false
		}
	}
	return true
}

// Check builds, runs and checks the chosen examples, printing each
// command and what it printed, and returns one row per check.
func Check(t Tools, chosen []Example) []Row {
	args := BuildArgs(chosen, t.Bin)
	fmt.Fprint(t.Out, ShellLine("go", args...))
	out, err := slowNote(func() ([]byte, error) { return t.Go(args...) })
	fmt.Fprint(t.Out, string(out))
	built := map[string]bool{}
	switch {
	case err == nil:
		for _, e := range chosen {
			built[e.Name] = true
		}
	case len(chosen) > 1:
		// Build each example alone, to name the ones that fail.
		for _, e := range chosen {
			if _, err := t.Go(BuildArgs([]Example{e}, t.Bin)...); err == nil {
				built[e.Name] = true
			}
		}
	}
	var rows []Row
	for _, e := range chosen {
		row := Row{Label: Title(e), Want: "runs"}
		if built[e.Name] {
			row.Problem = checkOutput(t, e)
		} else {
			row.Problem = "does not build"
			fmt.Fprintf(t.Out, "FAIL %s: go build fails (see above)\n", e.Name)
		}
		rows = append(rows, row)
		if e.PlainFailure != "" {
			rows = append(rows, Row{Label: PlainTitle(e), Want: "fails", Problem: checkPlainBuildFails(t, e)})
		}
	}
	return rows
}

// BuildArgs is one go build for the chosen examples. Flags that only one
// program needs are given with a package pattern (-ldflags=./stdlib=...),
// so they reach that program alone.
func BuildArgs(chosen []Example, bin string) []string {
	args := append([]string{"build", "-o", bin + "/"}, LdflagsArgs(chosen)...)
	for _, e := range chosen {
		args = append(args, "./"+e.Name)
	}
	return args
}

// LdflagsArgs are the go command flags that give each chosen example the
// linker flags it needs, and nothing to the others.
func LdflagsArgs(chosen []Example) []string {
	var flags []string
	for _, e := range chosen {
		if e.Ldflags != "" {
			flags = append(flags, "-ldflags=./"+e.Name+"="+e.Ldflags)
		}
	}
	return flags
}

// checkOutput runs a built example and compares what it printed with its
// Example's // Output: comment. It returns the problem, or "".
func checkOutput(t Tools, e Example) string {
	bin := t.Bin + "/" + e.Name + ExeSuffix()
	fmt.Fprint(t.Out, ShellLine(bin))
	got, err := t.Run(bin)
	fmt.Fprint(t.Out, got)
	want, werr := ExpectedOutput(e.Name)
	switch {
	case werr != nil:
		fmt.Fprintf(t.Out, "FAIL %s: %v\n", e.Name, werr)
		return werr.Error()
	case err != nil:
		fmt.Fprintf(t.Out, "FAIL %s: %v\n", e.Name, err)
		return "does not run"
	case got != want:
		if got == "" {
			got = "(nothing)\n"
		}
		fmt.Fprintf(t.Out, "FAIL %s: the output differs from the // Output: comment in %s/main_test.go\n  want:\n%s  got:\n%s",
			e.Name, e.Name, Indent(want), Indent(got))
		return "output differs"
	}
	return ""
}

// checkPlainBuildFails checks that the example does not link without its
// flags, and that the go command says exactly why. It asks every time: a
// failed link costs a fraction of a second, and an answer kept from an
// earlier run could not know what changed since (GOFLAGS, the Go version,
// the sources).
func checkPlainBuildFails(t Tools, e Example) string {
	args := PlainBuildArgs(e)
	fmt.Fprint(t.Out, ShellLine("go", args...))
	out, err := t.Go(args...)
	fmt.Fprint(t.Out, string(out))
	want, werr := PlainBuildOutput(e)
	switch {
	case werr != nil:
		fmt.Fprintf(t.Out, "FAIL %s: %v\n", e.Name, werr)
		return werr.Error()
	case err == nil:
		fmt.Fprintf(t.Out, "FAIL %s: links without -ldflags=%s; it should fail with %q\n", e.Name, e.Ldflags, e.PlainFailure)
		return "links without its flag"
	case string(out) != want:
		fmt.Fprintf(t.Out, "FAIL %s: without -ldflags=%s the build fails, but does not print exactly\n%s", e.Name, e.Ldflags, Indent(want))
		return "fails with another message"
	}
	return ""
}

// PlainBuildArgs build the example without its flags.
func PlainBuildArgs(e Example) []string {
	return []string{"build", "-o", os.DevNull, "./" + e.Name}
}

// PlainBuildOutput is what go build prints when the example does not link
// without its flags: the package's import path, then the linker's line.
func PlainBuildOutput(e Example) (string, error) {
	path, err := ModulePath(e.Name)
	return "# " + path + "\n" + e.PlainFailure + "\n", err
}

// Summary is the line that closes a run: what passed, or what failed.
func Summary(chosen []Example, rows []Row) string {
	var failed []string
	for _, r := range rows {
		if r.Problem != "" {
			failed = append(failed, r.Label+": "+r.Problem)
		}
	}
	if len(failed) > 0 {
		return fmt.Sprintf("FAILED %d of %d checks: %s\n", len(failed), len(rows), strings.Join(failed, "; "))
	}
	var runs, fails []string
	for _, e := range chosen {
		runs = append(runs, e.Name)
		if e.PlainFailure != "" {
			fails = append(fails, e.Name+" does not link without -ldflags="+e.Ldflags)
		}
	}
	verb := "prints what its Example expects"
	if len(runs) > 1 {
		verb = "print what their Examples expect"
	}
	return "passed: " + strings.Join(append([]string{strings.Join(runs, ", ") + " " + verb}, fails...), "; ") + "\n"
}

// Title is the example's row in the matrix: its name, and its flags.
func Title(e Example) string {
	if e.Ldflags == "" {
		return e.Name
	}
	return e.Name + " (built with -ldflags=" + e.Ldflags + ")"
}

// PlainTitle is the row of its build without the flags.
func PlainTitle(e Example) string {
	return e.Name + " (without the flag)"
}

// ShellLine shows a command as a reader would type it.
func ShellLine(name string, args ...string) string {
	return "$ " + strings.Join(append([]string{name}, args...), " ") + "\n"
}

// Indent indents every line of text by four spaces.
func Indent(text string) string {
	if text == "" {
		return ""
	}
	return "    " + strings.ReplaceAll(strings.TrimSuffix(text, "\n"), "\n", "\n    ") + "\n"
}

// slowNote runs f and, if it takes more than a few seconds, says on
// standard error why a first build is slow, so that a cold run is not
// silent.
func slowNote(f func() ([]byte, error)) ([]byte, error) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			fmt.Fprintln(os.Stderr, "(still building: a first build also compiles the standard library packages it needs, which takes up to a minute)")
		}
	}()
	return f()
}

// ExpectedOutput reads the // Output: comment of the Example in
// DIR/main_test.go.
func ExpectedOutput(dir string) (string, error) {
	file := dir + "/main_test.go"
	src, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	out, ok := OutputComment(string(src))
	if !ok {
		return "", fmt.Errorf("%s has no // Output: comment", file)
	}
	return out, nil
}

// OutputComment returns the lines of the first // Output: comment in src,
// each ending in a newline, as go test compares them.
func OutputComment(src string) (string, bool) {
	var b strings.Builder
	found := false
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if !found {
			if rest, ok := strings.CutPrefix(line, "// Output:"); ok {
				found = true
				if rest = strings.TrimSpace(rest); rest != "" {
					b.WriteString(rest + "\n")
				}
			}
			continue
		}
		text, ok := strings.CutPrefix(line, "//")
		if !ok {
			break
		}
		b.WriteString(strings.TrimPrefix(text, " ") + "\n")
	}
	return b.String(), found
}

// ModulePath reads the module line of DIR/go.mod.
func ModulePath(dir string) (string, error) {
	data, err := os.ReadFile(dir + "/go.mod")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if path, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(path), `"`), nil
		}
	}
	return "", fmt.Errorf("%s/go.mod has no module line", dir)
}

// RunProgram runs a built program and returns its standard output. A
// program that hangs is stopped after ten seconds.
func RunProgram(path string) (string, error) {
	out, err := Proc{Timeout: 10 * time.Second}.Output(path)
	// The runner's report names the program already: the error says only
	// how it ended, in its own words when it printed some.
	if e, ok := err.(*Error); ok {
		err = e.Err
		if e.Stderr != "" {
			err = errors.New(e.Stderr)
		}
	}
	return string(out), err
}

// ExeSuffix is what the go command adds to a program's name: .exe on
// Windows.
func ExeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// ChdirToRoot moves to the nearest folder up from here that holds go.work.
func ChdirToRoot() error {
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	for {
		if _, err := os.Stat(dir + "/go.work"); err == nil {
			return os.Chdir(dir)
		}
		parent := dir
		if i := strings.LastIndexAny(dir, `/`+string(os.PathSeparator)); i > 0 {
			parent = dir[:i]
		} else if i == 0 {
			parent = dir[:1]
		}
		if parent == dir {
			return errors.New("no go.work in this folder or above: run me inside the workspace")
		}
		dir = parent
	}
}
