package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"example.com/linkname/workshop/runner"
)

// A step is one check of make test.
type step struct {
	name string
	run  func(tc tools, modules []module) bool
}

// testSteps are everything make test checks, in order. The Makefile's
// test recipe is one line, workshop test, so that it cannot lose a step
// unseen; TestMakeTestSteps holds this list to its names. (A function, not
// a variable: the docs step renders this list.)
func testSteps() []step {
	return []step{
		{"gofmt", checkGofmt},
		{"standard library only", checkRequirements},
		{"go vet", func(tc tools, _ []module) bool { return goStep(tc, goVetArgs()) }},
		{"go test", func(tc tools, _ []module) bool { return goStep(tc, goTestArgs()) }},
		{"run-all", func(tc tools, _ []module) bool { return runExamples(tc, nil) }},
		{"bin/linkcheck", func(tc tools, _ []module) bool { return goStep(tc, linkcheckBuild) }},
		{"lab, and linkcheck against it", labAndLinkcheck},
		{"linkcheck the workspace", linkcheckWorkspace},
		{"docs -check", func(tc tools, _ []module) bool { return docs(tc.out, []string{"-check"}) }},
		{"no go.work.sum", func(tc tools, _ []module) bool {
			if fileExists("go.work.sum") {
				fmt.Fprintln(tc.out, "go.work.sum exists: a go command needed a module from outside the workspace (run git status, and see the go.mod files)")
				return false
			}
			return true
		}},
	}
}

// A module is one `use` line of go.work.
type module struct {
	dir  string // as go.work writes it: ./bar
	path string // its module path
	// requires are the module paths its go.mod requires.
	requires []string
}

// testAll runs every step (make test: testSteps()), even after one fails,
// and ends with a line that names the steps that failed.
func testAll(tc tools, steps []step) bool {
	modules, err := workspaceModules(tc)
	if err != nil {
		fmt.Fprintln(tc.out, err)
		return false
	}
	var failed []string
	for _, s := range steps {
		fmt.Fprintf(tc.out, "== %s\n", s.name)
		if !s.run(tc, modules) {
			failed = append(failed, s.name)
			fmt.Fprintf(tc.out, "FAIL: %s\n", s.name)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(tc.out, "make test: %d of %d steps failed: %s\n", len(failed), len(steps), strings.Join(failed, ", "))
		return false
	}
	fmt.Fprintln(tc.out, allStepsPassed(len(steps)))
	return true
}

// allStepsPassed is make test's last line when every step passed; .ci/run
// looks for it (TestMakeTestRunsTheFullCheck holds the two together).
func allStepsPassed(n int) string {
	return fmt.Sprintf("make test: all %d steps passed", n)
}

// workspaceModules reads go.work and each module's go.mod through the go
// command, which parses them as the build does.
func workspaceModules(tc tools) ([]module, error) {
	out, err := tc.goCmd("work", "edit", "-json")
	var work struct{ Use []struct{ DiskPath string } }
	if err != nil || json.Unmarshal(out, &work) != nil {
		return nil, fmt.Errorf("go work edit -json: %v\n%s", err, out)
	}
	var modules []module
	for _, u := range work.Use {
		out, err := tc.goCmd("mod", "edit", "-json", u.DiskPath+"/go.mod")
		var mod struct {
			Module  struct{ Path string }
			Require []struct{ Path string }
		}
		if err != nil || json.Unmarshal(out, &mod) != nil {
			return nil, fmt.Errorf("go mod edit -json %s/go.mod: %v\n%s", u.DiskPath, err, out)
		}
		m := module{dir: u.DiskPath, path: mod.Module.Path}
		for _, r := range mod.Require {
			m.requires = append(m.requires, r.Path)
		}
		modules = append(modules, m)
	}
	return modules, nil
}

// checkRequirements holds the workspace to the standard library: every
// module may require only modules of this workspace.
func checkRequirements(tc tools, modules []module) bool {
	var paths []string
	for _, m := range modules {
		paths = append(paths, m.path)
	}
	ok := true
	for _, m := range modules {
		for _, r := range m.requires {
			if !slices.Contains(paths, r) {
				fmt.Fprintf(tc.out, "%s/go.mod requires %s, which is not a module of this workspace: it uses the standard library only\n", m.dir, r)
				ok = false
			}
		}
	}
	return ok
}

func checkGofmt(tc tools, modules []module) bool {
	args := []string{"-l", labDir, exercisesDir}
	for _, m := range modules {
		args = append(args, m.dir)
	}
	out, err := runner.Proc{}.Combined("gofmt", args...)
	if err != nil || len(out) > 0 {
		fmt.Fprintf(tc.out, "gofmt -l lists files that gofmt would change:\n%s", out)
		return false
	}
	return true
}

// goVetArgs and goTestArgs vet and test every package of every module
// from the workspace root: the pattern "work" names them all (a root with
// only go.work has no package of its own, so ./... would fail there). The
// README shows these very commands.
func goVetArgs() []string { return []string{"vet", "work"} }

func goTestArgs() []string {
	return append(append([]string{"test"}, ldflagsArgs(examples)...), "work")
}

// goStep runs one go command, showing it and what it printed.
func goStep(tc tools, args []string) bool {
	fmt.Fprint(tc.out, shellLine("go", args...))
	out, err := tc.goCmd(args...)
	fmt.Fprint(tc.out, string(out))
	return err == nil
}

// linkcheckWorkspace runs bin/linkcheck over every module, which must
// come out clean; an example that links only with -checklinkname=0 is
// checked as it is built.
func linkcheckWorkspace(tc tools, modules []module) bool {
	var plain, unchecked []string
	for _, m := range modules {
		e, isExample := exampleNamed(strings.TrimPrefix(m.dir, "./"))
		if isExample && e.ldflags == "-checklinkname=0" {
			unchecked = append(unchecked, m.dir+"/...")
		} else {
			plain = append(plain, m.dir+"/...")
		}
	}
	ok := true
	for _, args := range [][]string{plain, append([]string{"-checklinkname=false"}, unchecked...)} {
		fmt.Fprint(tc.out, shellLine("bin/linkcheck", args...))
		out, err := tc.linkcheck(args...)
		fmt.Fprint(tc.out, string(out))
		if err != nil {
			fmt.Fprintln(tc.out, err)
			ok = false
		}
	}
	return ok
}

// labAndLinkcheck runs the lab, then holds linkcheck's predictions against
// what the toolchain did in the same run.
func labAndLinkcheck(tc tools, _ []module) bool {
	results, minor, ok := runLabCases(tc, nil)
	if !ok {
		return false
	}
	labOK := reportLab(tc, results, false)
	return agreeWithLinkcheck(tc, results, minor, knownDisagreements) && labOK
}
