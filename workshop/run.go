package main

import "example.com/linkname/workshop/runner"

// The runner itself is the package runner, which bin/run-all (make
// run-all) and make test share; these are its words in this package.

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

func (tc tools) runnerTools() runner.Tools {
	return runner.Tools{Go: tc.goCmd, Run: tc.run, Bin: tc.bin, Out: tc.out}
}

func toRunner(chosen []example) []runner.Example {
	var list []runner.Example
	for _, e := range chosen {
		list = append(list, runner.Example{Name: e.name, Ldflags: e.ldflags, PlainFailure: e.plainFailure})
	}
	return list
}

func fromRunner(list []runner.Example) []example {
	var chosen []example
	for _, e := range list {
		chosen = append(chosen, example{name: e.Name, ldflags: e.Ldflags, plainFailure: e.PlainFailure})
	}
	return chosen
}

func toRows(rows []runner.Row) []checkRow {
	var out []checkRow
	for _, r := range rows {
		out = append(out, checkRow{label: r.Label, want: r.Want, problem: r.Problem})
	}
	return out
}

// runExamples is make run-all, in this process: make test runs it so.
func runExamples(tc tools, names []string) bool {
	return runner.RunExamples(tc.runnerTools(), names)
}

// checkExamples builds, runs and checks the chosen examples, printing
// each command and what it printed, and returns one row per check.
func checkExamples(tc tools, chosen []example) []checkRow {
	return toRows(runner.Check(tc.runnerTools(), toRunner(chosen)))
}

func buildArgs(chosen []example, bin string) []string { return runner.BuildArgs(toRunner(chosen), bin) }

func ldflagsArgs(chosen []example) []string { return runner.LdflagsArgs(toRunner(chosen)) }

func plainBuildArgs(e example) []string { return runner.PlainBuildArgs(toRunner([]example{e})[0]) }

func plainBuildOutput(e example) (string, error) {
	return runner.PlainBuildOutput(toRunner([]example{e})[0])
}

// summary is the line that closes a run: what passed, or what failed.
func summary(chosen []example, rows []checkRow) string {
	var list []runner.Row
	for _, r := range rows {
		list = append(list, runner.Row{Label: r.label, Want: r.want, Problem: r.problem})
	}
	return runner.Summary(toRunner(chosen), list)
}

func exampleTitle(e example) string { return runner.Title(toRunner([]example{e})[0]) }

func plainTitle(e example) string { return runner.PlainTitle(toRunner([]example{e})[0]) }

func shellLine(name string, args ...string) string { return runner.ShellLine(name, args...) }

func indent(text string) string { return runner.Indent(text) }

func expectedOutput(dir string) (string, error) { return runner.ExpectedOutput(dir) }

func modulePath(dir string) (string, error) { return runner.ModulePath(dir) }

func runProgram(path string) (string, error) { return runner.RunProgram(path) }

func exeSuffix() string { return runner.ExeSuffix() }
