package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"example.com/linkname/workshop/runner"
)

// Side by side: one example or lab case built under each Go on record that
// is installed, with what each toolchain printed. make lab-compare prints
// the answers in columns; the slides' Run control shows the same answers.
// Both build through the runner (an example) or the lab (a case): there is
// one way to build a case, and this only chooses the Go.

// A goAnswer is what one Go printed for one example or lab case: the
// runner's or the lab's own report, as make pull or make lab CASE=name
// prints it.
type goAnswer struct {
	Go        string `json:"go"`        // the GOTOOLCHAIN value, as recordedGo writes it
	Installed bool   `json:"installed"` // false: the toolchain is not here, and nothing was built
	Output    string `json:"output"`    // the report, or why nothing was built
	OK        bool   `json:"ok"`        // the answer is the one on record for this Go
}

// runTarget is an example or a lab case, by name.
type runTarget struct {
	name    string
	example bool
}

// findRunTarget looks name up among the examples, then the lab's cases.
func findRunTarget(name string) (runTarget, error) {
	if _, ok := exampleNamed(name); ok {
		return runTarget{name: name, example: true}, nil
	}
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		return runTarget{}, err
	}
	if slices.ContainsFunc(cases, func(c *labCase) bool { return c.name == name }) {
		return runTarget{name: name}, nil
	}
	return runTarget{}, fmt.Errorf("no example or lab case %q: the examples are %s; the cases, in lesson order: %s",
		name, strings.Join(exampleNames(), ", "), strings.Join(caseNames(cases), ", "))
}

// answer builds and runs the target with tc, as make NAME or make lab
// CASE=NAME would, and returns what it printed.
func (t runTarget) answer(tc tools) (string, bool) {
	var out bytes.Buffer
	tc.out = &out
	var ok bool
	if t.example {
		ok = runExamples(tc, []string{t.name})
	} else {
		ok = runLab(tc, []string{t.name})
	}
	return out.String(), ok
}

// A goInstaller says whether a Go toolchain is on this machine, asking
// nothing of the network.
type goInstaller func(gotoolchain string) bool

// goInstalled asks the go command, with the module proxy off, for the
// version GOTOOLCHAIN=v names: it answers only when that toolchain is the
// local one or sits in the module cache, and never fetches it.
func goInstalled(v string) bool {
	out, err := runner.Proc{Env: append(os.Environ(), "GOTOOLCHAIN="+v, "GOPROXY=off")}.Output("go", "env", "GOVERSION")
	return err == nil && strings.TrimSpace(string(out)) == v
}

// answersUnder builds the target under each Go on record: those
// installed side by side, each into its own folder under bin, and those
// missing with a line that says how to fetch them. toolsFor gives the
// tools for one Go.
func answersUnder(t runTarget, installed goInstaller, toolsFor func(v string) tools) []goAnswer {
	answers := make([]goAnswer, len(recordedGo))
	parallel(len(recordedGo), func(i int) {
		a := &answers[i]
		a.Go = recordedGo[i]
		if !installed(a.Go) {
			a.Output = a.Go + " is not installed here: make warm-up GO=all fetches it (through the module proxy, before the session)\n"
			return
		}
		a.Installed = true
		a.Output, a.OK = t.answer(toolsFor(a.Go))
	})
	return answers
}

// compareTools are the tools answersUnder uses for Go v: its
// builds go to bin/compare/v, apart from make lab's.
func compareTools(v string) tools {
	return localTools(v, filepath.Join("bin", "compare", v), io.Discard)
}

// labCompare is `workshop lab-compare NAME`: the example or case under
// each Go on record, in columns.
func labCompare(args []string) bool {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: make lab-compare CASE=name (a lab case or an example)")
		return false
	}
	t, err := findRunTarget(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return false
	}
	answers := answersUnder(t, goInstalled, compareTools)
	fmt.Print(sideBySide(answers, terminalWidth()))
	ok := true
	for _, a := range answers {
		ok = ok && (a.OK || !a.Installed)
	}
	return ok
}

// terminalWidth is $COLUMNS, or 160.
func terminalWidth() int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("COLUMNS"), &n); err == nil && n >= 40 {
		return n
	}
	return 160
}

// sideBySide lays the answers out in columns, each headed by its Go and
// wrapped to fit width, separated by " | ".
func sideBySide(answers []goAnswer, width int) string {
	const gap = " | "
	col := (width - len(gap)*(len(answers)-1)) / max(len(answers), 1)
	var columns [][]string
	rows := 0
	for _, a := range answers {
		head := a.Go
		if !a.Installed {
			head = a.Go + ": not installed"
		}
		lines := append(wrap(head, col), strings.Repeat("-", min(col, utf8.RuneCountInString(head))))
		for _, line := range strings.Split(strings.TrimSuffix(a.Output, "\n"), "\n") {
			lines = append(lines, wrap(line, col)...)
		}
		columns = append(columns, lines)
		rows = max(rows, len(lines))
	}
	var b strings.Builder
	for r := 0; r < rows; r++ {
		var cells []string
		for i, lines := range columns {
			cell := ""
			if r < len(lines) {
				cell = lines[r]
			}
			if i < len(columns)-1 {
				cell += strings.Repeat(" ", col-utf8.RuneCountInString(cell))
			}
			cells = append(cells, cell)
		}
		b.WriteString(strings.TrimRight(strings.Join(cells, gap), " ") + "\n")
	}
	return b.String()
}

// wrap cuts line into pieces of at most width runes.
func wrap(line string, width int) []string {
	runes := []rune(line)
	if len(runes) <= width || width <= 0 {
		return []string{line}
	}
	var pieces []string
	for len(runes) > width {
		pieces = append(pieces, string(runes[:width]))
		runes = runes[width:]
	}
	return append(pieces, string(runes))
}
