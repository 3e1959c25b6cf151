package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A checkRow is the outcome of one check, as a row of the matrix.
type checkRow struct {
	label   string
	want    string // what it should do, in a word: runs, fails
	problem string // what went wrong, "" when the check passed
}

func (r checkRow) cell() string {
	if r.problem != "" {
		return "FAIL (want: " + r.want + ")"
	}
	return r.want
}

// runExamples builds the named examples (all by default) with one go
// build, runs each, checks what it prints, and ends with a summary line.
func runExamples(tc toolchain, names []string) bool {
	var chosen []example
	for _, name := range names {
		e, ok := exampleNamed(name)
		if !ok {
			fmt.Fprintf(tc.out, "no example %q; the examples are: %s\n", name, strings.Join(exampleNames(), ", "))
			return false
		}
		chosen = append(chosen, e)
	}
	if len(chosen) == 0 {
		chosen = examples
	}
	rows := checkExamples(tc, chosen)
	fmt.Fprint(tc.out, summary(chosen, rows))
	return !slices.ContainsFunc(rows, func(r checkRow) bool { return r.problem != "" })
}

// checkExamples builds, runs and checks the chosen examples, printing
// each command and what it printed, and returns one row per check.
func checkExamples(tc toolchain, chosen []example) []checkRow {
	args := buildArgs(chosen, tc.bin)
	fmt.Fprint(tc.out, shellLine("go", args...))
	out, err := slowNote(func() ([]byte, error) { return tc.goCmd(args...) })
	fmt.Fprint(tc.out, string(out))
	var built []example
	switch {
	case err == nil:
		built = chosen
	case len(chosen) > 1:
		// Build each example alone, to name the ones that fail.
		for _, e := range chosen {
			if _, err := tc.goCmd(buildArgs([]example{e}, tc.bin)...); err == nil {
				built = append(built, e)
			}
		}
	}
	var rows []checkRow
	for _, e := range chosen {
		row := checkRow{label: exampleTitle(e), want: "runs"}
		if slices.Contains(built, e) {
			row.problem = checkOutput(tc, e)
		} else {
			row.problem = "does not build"
			fmt.Fprintf(tc.out, "FAIL %s: go build fails (see above)\n", e.name)
		}
		rows = append(rows, row)
		if e.plainFailure != "" {
			rows = append(rows, checkRow{label: plainTitle(e), want: "fails", problem: checkPlainBuildFails(tc, e)})
		}
	}
	return rows
}

// buildArgs is one go build for the chosen examples. Flags that only one
// program needs are given with a package pattern (-ldflags=./stdlib=...),
// so they reach that program alone.
func buildArgs(chosen []example, bin string) []string {
	args := append([]string{"build", "-o", bin + "/"}, ldflagsArgs(chosen)...)
	for _, e := range chosen {
		args = append(args, "./"+e.name)
	}
	return args
}

// ldflagsArgs are the go command flags that give each chosen example the
// linker flags it needs, and nothing to the others.
func ldflagsArgs(chosen []example) []string {
	var flags []string
	for _, e := range chosen {
		if e.ldflags != "" {
			flags = append(flags, "-ldflags=./"+e.name+"="+e.ldflags)
		}
	}
	return flags
}

// checkOutput runs a built example and compares what it printed with its
// Example's // Output: comment. It returns the problem, or "".
func checkOutput(tc toolchain, e example) string {
	bin := filepath.Join(tc.bin, e.name+exeSuffix())
	fmt.Fprint(tc.out, shellLine(filepath.ToSlash(bin)))
	got, err := tc.run(bin)
	fmt.Fprint(tc.out, got)
	want, werr := expectedOutput(e.name)
	switch {
	case werr != nil:
		fmt.Fprintf(tc.out, "FAIL %s: %v\n", e.name, werr)
		return werr.Error()
	case err != nil:
		fmt.Fprintf(tc.out, "FAIL %s: %v\n", e.name, err)
		return "does not run"
	case got != want:
		if got == "" {
			got = "(nothing)\n"
		}
		fmt.Fprintf(tc.out, "FAIL %s: the output differs from the // Output: comment in %s/main_test.go\n  want:\n%s  got:\n%s",
			e.name, e.name, indent(want), indent(got))
		return "output differs"
	}
	return ""
}

// checkPlainBuildFails checks that the example does not link without its
// flags, and that the go command says exactly why. It asks every time: a
// failed link costs a fraction of a second, and an answer kept from an
// earlier run could not know what changed since (GOFLAGS, the Go version,
// the sources).
func checkPlainBuildFails(tc toolchain, e example) string {
	args := plainBuildArgs(e)
	fmt.Fprint(tc.out, shellLine("go", args...))
	out, err := tc.goCmd(args...)
	fmt.Fprint(tc.out, string(out))
	want, werr := plainBuildOutput(e)
	switch {
	case werr != nil:
		fmt.Fprintf(tc.out, "FAIL %s: %v\n", e.name, werr)
		return werr.Error()
	case err == nil:
		fmt.Fprintf(tc.out, "FAIL %s: links without -ldflags=%s; it should fail with %q\n", e.name, e.ldflags, e.plainFailure)
		return "links without its flag"
	case string(out) != want:
		fmt.Fprintf(tc.out, "FAIL %s: without -ldflags=%s the build fails, but does not print exactly\n%s", e.name, e.ldflags, indent(want))
		return "fails with another message"
	}
	return ""
}

func plainBuildArgs(e example) []string {
	return []string{"build", "-o", os.DevNull, "./" + e.name}
}

// plainBuildOutput is what go build prints when the example does not link
// without its flags: the package's import path, then the linker's line.
func plainBuildOutput(e example) (string, error) {
	path, err := modulePath(e.name)
	return "# " + path + "\n" + e.plainFailure + "\n", err
}

// summary is the line that closes a run: what passed, or what failed.
func summary(chosen []example, rows []checkRow) string {
	var failed []string
	for _, r := range rows {
		if r.problem != "" {
			failed = append(failed, r.label+": "+r.problem)
		}
	}
	if len(failed) > 0 {
		return fmt.Sprintf("FAILED %d of %d checks: %s\n", len(failed), len(rows), strings.Join(failed, "; "))
	}
	var runs, fails []string
	for _, e := range chosen {
		runs = append(runs, e.name)
		if e.plainFailure != "" {
			fails = append(fails, e.name+" does not link without -ldflags="+e.ldflags)
		}
	}
	verb := "prints what its Example expects"
	if len(runs) > 1 {
		verb = "print what their Examples expect"
	}
	return "passed: " + strings.Join(append([]string{strings.Join(runs, ", ") + " " + verb}, fails...), "; ") + "\n"
}

func exampleTitle(e example) string {
	if e.ldflags == "" {
		return e.name
	}
	return e.name + " (built with -ldflags=" + e.ldflags + ")"
}

func plainTitle(e example) string {
	return e.name + " (without the flag)"
}

// shellLine shows a command as a reader would type it.
func shellLine(name string, args ...string) string {
	return "$ " + strings.Join(append([]string{name}, args...), " ") + "\n"
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

// expectedOutput reads the // Output: comment of the Example in
// DIR/main_test.go.
func expectedOutput(dir string) (string, error) {
	file := filepath.Join(dir, "main_test.go")
	src, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	out, ok := outputComment(string(src))
	if !ok {
		return "", fmt.Errorf("%s has no // Output: comment", file)
	}
	return out, nil
}

// outputComment returns the lines of the first // Output: comment in src,
// each ending in a newline, as go test compares them.
func outputComment(src string) (string, bool) {
	var b strings.Builder
	found := false
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
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

// modulePath reads the module line of DIR/go.mod.
func modulePath(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
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
