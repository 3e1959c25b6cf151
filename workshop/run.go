package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// An example is one of the workspace's programs. Its expected output is
// not written here: it is the // Output: comment of the Example in the
// program's main_test.go, so that go test, make run-all and the README all
// read the same lines.
type example struct {
	name    string // its folder, and its binary's name in bin/
	ldflags string // linker flags it cannot link without
	// plainFailure is a line the linker must print when the program is
	// built without ldflags.
	plainFailure string
}

var examples = []example{
	{name: "pull"},
	{name: "push"},
	{name: "handshake"},
	{name: "stdlib", ldflags: "-checklinkname=0", plainFailure: "link: main: invalid reference to fmt.tooLarge"},
}

// binDir holds everything the workshop builds. go build skips writing a
// binary that is already up to date there, which keeps a warm run fast.
var binDir = "bin"

// stdout is where the checks report; the matrix silences it.
var stdout io.Writer = os.Stdout

// A checkRow is the outcome of one check, as a row of the matrix.
type checkRow struct {
	label string
	ok    bool
	cell  string // what was seen, in a few words
}

func exampleNamed(name string) (example, bool) {
	for _, e := range examples {
		if e.name == name {
			return e, true
		}
	}
	return example{}, false
}

// runExamples builds the named examples (all by default) with one go
// build, runs each, and checks what it prints.
func runExamples(names []string) bool {
	var chosen []example
	for _, name := range names {
		e, ok := exampleNamed(name)
		if !ok {
			fatalf("no example %q (have: pull, push, handshake, stdlib)", name)
		}
		chosen = append(chosen, e)
	}
	if len(chosen) == 0 {
		chosen = examples
	}
	ok := true
	for _, row := range checkExamples(chosen) {
		ok = ok && row.ok
	}
	return ok
}

// checkExamples builds, runs and checks the chosen examples, and returns
// one row per check.
func checkExamples(chosen []example) []checkRow {
	built, _ := buildExamples(chosen)
	var rows []checkRow
	for _, e := range chosen {
		isBuilt := slices.Contains(built, e)
		ok := isBuilt && checkOutput(e)
		rows = append(rows, checkRow{exampleTitle(e), ok, okCell(ok, "runs")})
		if e.plainFailure != "" {
			ok := isBuilt && checkPlainBuildFails(e)
			rows = append(rows, checkRow{e.name + " (without the flag)", ok, okCell(ok, "fails")})
		}
	}
	return rows
}

func okCell(ok bool, want string) string {
	if ok {
		return want
	}
	return "FAIL (want: " + want + ")"
}

// buildExamples builds every chosen example in one go command and returns
// those that built. Flags that only one program needs are given with a
// package pattern (-ldflags=./stdlib=...), so they reach that program alone.
func buildExamples(chosen []example) (built []example, ok bool) {
	args := []string{"build", "-o", binDir + string(filepath.Separator)}
	for _, e := range chosen {
		if e.ldflags != "" {
			args = append(args, "-ldflags=./"+e.name+"="+e.ldflags)
		}
	}
	for _, e := range chosen {
		args = append(args, "./"+e.name)
	}
	out, err := goCommand(args...)
	switch {
	case err == nil:
		return chosen, true
	case len(chosen) == 1:
		fmt.Fprintf(stdout, "FAIL %s: does not build\n%s", chosen[0].name, indent(string(out)))
		return nil, false
	}
	// Build each example alone, to name the ones that fail.
	for _, e := range chosen {
		if b, _ := buildExamples([]example{e}); b != nil {
			built = append(built, e)
		}
	}
	return built, false
}

func checkOutput(e example) bool {
	want, err := expectedOutput(e.name)
	if err != nil {
		fmt.Fprintf(stdout, "FAIL %s: %v\n", e.name, err)
		return false
	}
	got, err := runBinary(filepath.Join(binDir, e.name+exeSuffix()))
	title := exampleTitle(e)
	if err != nil || got != want {
		fmt.Fprintf(stdout, "FAIL %s: output differs\n  want:\n%s  got:\n%s", title, indent(want), indent(got))
		if err != nil {
			fmt.Fprintf(stdout, "  error: %v\n", err)
		}
		return false
	}
	fmt.Fprintf(stdout, "%s\n%s", title, indent(got))
	return true
}

// checkPlainBuildFails checks that the example does not link without its
// flags. The answer depends only on what was linked into bin/NAME (the same
// packages, the same linker, one flag less), so it is recorded next to the
// binary, keyed by the binary's hash, and asked again only when the binary
// changes: the same rule go test uses to cache a result.
func checkPlainBuildFails(e example) bool {
	bin, err := os.ReadFile(filepath.Join(binDir, e.name+exeSuffix()))
	if err != nil {
		fmt.Fprintf(stdout, "FAIL %s: %v\n", e.name, err)
		return false
	}
	h := fnv.New64a()
	h.Write(bin)
	key := fmt.Sprintf("%x\n", h.Sum64())
	record := filepath.Join(binDir, e.name+".plain-build")
	var out []byte
	cached := false
	if saved, err := os.ReadFile(record); err == nil && bytes.HasPrefix(saved, []byte(key)) {
		out, cached = saved[len(key):], true
	} else {
		out, err = goCommand("build", "-o", os.DevNull, "./"+e.name)
		if err == nil {
			fmt.Fprintf(stdout, "FAIL %s: builds without -ldflags=%s; it should fail with %q\n", e.name, e.ldflags, e.plainFailure)
			return false
		}
		os.WriteFile(record, append([]byte(key), out...), 0o666)
	}
	title := plainFailureTitle(e)
	if cached {
		title += " (cached)"
	}
	if !hasLine(string(out), e.plainFailure) {
		fmt.Fprintf(stdout, "FAIL %s: a build without -ldflags=%s fails, but not with %q:\n%s", e.name, e.ldflags, e.plainFailure, indent(string(out)))
		return false
	}
	fmt.Fprintf(stdout, "%s\n%s", title, indent(e.plainFailure+"\n"))
	return true
}

func exampleTitle(e example) string {
	if e.ldflags == "" {
		return e.name
	}
	return e.name + " (built with -ldflags=" + e.ldflags + ")"
}

func plainFailureTitle(e example) string {
	return e.name + " (built without the flag) fails, as it should"
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

// goCommand runs the go command from the workspace root and returns what it
// printed, stdout and stderr together.
func goCommand(args ...string) ([]byte, error) {
	return exec.Command("go", args...).CombinedOutput()
}

// runBinary runs a built program and returns its standard output. A
// program that hangs is stopped after ten seconds.
func runBinary(path string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && stderr.Len() > 0 {
		err = errors.New(strings.TrimSpace(stderr.String()))
	}
	return string(out), err
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

func hasLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}

func indent(text string) string {
	if text == "" {
		return ""
	}
	return "    " + strings.ReplaceAll(strings.TrimSuffix(text, "\n"), "\n", "\n    ") + "\n"
}
