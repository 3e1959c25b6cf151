package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// The exercises: each is a broken program that a participant fixes. It
// lives in exercises/NAME/ as the files that differ from one of the
// examples. Its reference solution is in exercises/NAME/solution/, or,
// when fixing it gives back the example itself, it is the example. Starting an
// exercise copies that example out (as make copy-out does) into
// scratch/NAME/, a folder git ignores, and lays the broken files over it;
// the participant edits only the copy. The copy's module path is the
// workspace's own prefix, example.com/linkname, so bar is still
// example.com/linkname/bar there and the directives read as they do in the
// workspace.

const (
	exercisesDir   = "exercises"
	scratchDir     = "scratch"
	scratchModule  = "example.com/linkname"
	solutionFolder = "solution"
)

type exerciseSpec struct {
	name   string
	mode   string   // the example the scratch copy starts from
	remove []string // files of that example the exercise takes away
	edit   string   // the file to fix, in the scratch copy
	// keep names the declaration that must still be linked by a directive
	// when the exercise is fixed; "" when a fix may do without one.
	keep string
	goal string
	hint string
}

// The exercises in lesson order: the rule people meet first comes first.
var exerciseList = []exerciseSpec{
	{
		name: "import-unsafe",
		mode: "pull",
		edit: "main.go",
		keep: "Add",
		goal: "Make the compiler accept the //go:linkname directive on Add.",
		hint: "The compiler honours //go:linkname only in a file that imports unsafe. " +
			"Nothing here uses unsafe by name, so the import is a blank one: _ \"unsafe\".",
	},
	{
		name: "link-the-target",
		mode: "pull",
		edit: "main.go",
		keep: "Add",
		goal: "Make the program link: Add's body, bar.add, is nowhere to be found.",
		hint: "A pull finds only what the program links in, and a package is linked in " +
			"only if something imports it. Nothing here uses bar by name: import it for " +
			"its side effect, with a blank import.",
	},
	{
		name:   "push-body",
		mode:   "push",
		remove: []string{"foo/foo.s"},
		edit:   "foo/foo.go",
		keep:   "div",
		goal:   "Make package foo compile: Div has no body, because bar pushes one into it.",
		hint: "The compiler accepts a function without a body only when something says the " +
			"body comes from elsewhere: an assembly file in the package (even an empty one), " +
			"or a one-argument //go:linkname Div on the function (which needs the unsafe import).",
	},
	{
		name: "match-the-signature",
		mode: "pull",
		edit: "main.go",
		keep: "Add",
		goal: "Make Add's declaration agree with bar.add's. It builds, runs and passes go vet; only linkcheck sees the mistake.",
		hint: "Read bar/bar.go: add takes two ints and returns an int. The linker matches names, " +
			"not types, so a declaration with other types links and reads the wrong registers " +
			"or the wrong memory. Run ../../bin/linkcheck ./... in the scratch folder for the details.",
	},
	{
		name: "method-symbol",
		mode: "pull",
		edit: "main.go",
		keep: "add",
		goal: "Pull the method add of bar's unexported type tally: the symbol the directive names does not exist.",
		hint: "The symbol of a method with a pointer receiver is path.(*T).name, with the " +
			"parentheses and the star; a value receiver's is path.T.name. tally's add has a " +
			"pointer receiver.",
	},
	{
		name: "std-pull-refused",
		mode: "stdlib",
		edit: "main.go",
		goal: "Make the program link without -ldflags=-checklinkname=0: the linker refuses the pull of time.runtimeNano.",
		hint: "Since Go 1.23 a program may pull a standard-library symbol only if the standard " +
			"library opens it to outside use. time.runtimeNano is marked, but the linker's " +
			"block-list keeps it for package time alone. runtime.nanotime is marked and open " +
			"(a one-argument //go:linkname nanotime in runtime's source); time.Now and " +
			"time.Since are the public way.",
	},
}

// exercise is `workshop exercise [start|check|hint|reset] [NAME]`.
func exercise(args []string) bool {
	if len(args) == 0 || len(args) == 1 && args[0] == "start" {
		listExercises()
		return true
	}
	if len(args) != 2 || !slices.Contains([]string{"start", "check", "hint", "reset"}, args[0]) {
		fatalf("usage: workshop exercise [start|check|hint|reset] [NAME]")
	}
	i := slices.IndexFunc(exerciseList, func(e exerciseSpec) bool { return e.name == args[1] })
	if i < 0 {
		listExercises()
		target := map[string]string{"start": "exercise"}[args[0]]
		if target == "" {
			target = args[0]
		}
		fatalf("no exercise %q: say which, as in make %s EX=%s", args[1], target, exerciseList[0].name)
	}
	ex := exerciseList[i]
	root, err := os.Getwd()
	if err != nil {
		fatalf("%v", err)
	}
	scratch := filepath.Join(scratchDir, ex.name)
	switch args[0] {
	case "hint":
		fmt.Printf("hint for %s: %s\n", ex.name, ex.hint)
	case "reset":
		if err := os.RemoveAll(scratch); err != nil {
			fatalf("%v", err)
		}
		fallthrough
	case "start":
		if _, err := os.Stat(scratch); err == nil {
			fmt.Printf("%s exists: carrying on with your copy (make reset EX=%s starts it over)\n", scratch, ex.name)
		} else if err := startExercise(root, ex, scratch); err != nil {
			fatalf("%v", err)
		}
		fmt.Printf("exercise %d of %d, %s: %s\n", i+1, len(exerciseList), ex.name, ex.goal)
		fmt.Printf("  edit:  %s\n", filepath.Join(scratch, ex.edit))
		fmt.Printf("  check: make check EX=%s\n  hint:  make hint EX=%s\n  reset: make reset EX=%s\n", ex.name, ex.name, ex.name)
	case "check":
		if _, err := os.Stat(scratch); err != nil {
			fatalf("%s is not started: make exercise EX=%s", ex.name, ex.name)
		}
		problem, err := checkExercise(root, ex, scratch)
		if err != nil {
			fatalf("%v", err)
		}
		if problem != "" {
			fmt.Printf("%s: not yet: %s", ex.name, problem)
			return false
		}
		fmt.Printf("%s: fixed. It builds, linkcheck finds nothing wrong, and it prints what main_test.go expects.\n", ex.name)
		if i+1 < len(exerciseList) {
			fmt.Printf("next: make exercise EX=%s\n", exerciseList[i+1].name)
		} else {
			fmt.Println("that was the last exercise.")
		}
	}
	return true
}

func listExercises() {
	fmt.Println("exercises, in lesson order (make exercise EX=name starts one):")
	for i, ex := range exerciseList {
		started := ""
		if _, err := os.Stat(filepath.Join(scratchDir, ex.name)); err == nil {
			started = " (started)"
		}
		fmt.Printf("  %d. %-20s %s%s\n", i+1, ex.name, ex.goal, started)
	}
}

// startExercise writes the exercise's scratch copy into dir: its example,
// copied out, with the exercise's broken files laid over it.
func startExercise(root string, ex exerciseSpec, dir string) error {
	if _, err := copyOut(root, ex.mode, dir, scratchModule); err != nil {
		return err
	}
	for _, name := range ex.remove {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return err
		}
	}
	// The workspace's go.work lies above the scratch copy, and the go
	// command would use it; this one keeps go run . and go test inside the
	// copy on the copy's own module.
	work := "// The scratch copy of an exercise is its own workspace.\ngo 1.23\n\nuse .\n"
	if err := os.WriteFile(filepath.Join(dir, "go.work"), []byte(work), 0o666); err != nil {
		return err
	}
	return layOver(filepath.Join(root, exercisesDir, ex.name), dir, solutionFolder)
}

// solveExercise lays the exercise's reference solution over its scratch
// copy in dir.
func solveExercise(root string, ex exerciseSpec, dir string) error {
	solution := filepath.Join(root, exercisesDir, ex.name, solutionFolder)
	if _, err := os.Stat(solution); err == nil {
		return layOver(solution, dir, "")
	}
	_, err := copyOut(root, ex.mode, dir, scratchModule)
	return err
}

// layOver copies every file under from into to, keeping their relative
// paths, except those under from/skip.
func layOver(from, to, skip string) error {
	return filepath.WalkDir(from, func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, file)
		if d.IsDir() {
			if skip != "" && rel == skip {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(to, rel), 0o777)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o666)
	})
}

// checkExercise builds the program in dir, linkchecks it, runs it, and
// returns what is still wrong with it, or "" when nothing is. An error
// means the check itself could not run.
func checkExercise(root string, ex exerciseSpec, dir string) (string, error) {
	tmp, err := os.MkdirTemp("", "exercise")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "program"+exeSuffix())
	// No flags: a fix that needs -checklinkname=0 is no fix.
	if out, err := goIn(dir, "build", "-o", bin, "."); err != nil {
		return diagnose(string(out)), nil
	}
	if problem, err := linkcheckExercise(root, ex, dir); problem != "" || err != nil {
		return problem, err
	}
	want, err := expectedOutput(dir)
	if err != nil {
		return "", err
	}
	got, err := runProgram(bin)
	if err != nil {
		return fmt.Sprintf("it builds, but it stops with an error:\n%s", indent(err.Error())), nil
	}
	if got != want {
		return fmt.Sprintf("it builds and runs, but prints\n%sinstead of what main_test.go expects:\n%s", indent(got), indent(want)), nil
	}
	return "", nil
}

// A buildDiagnosis explains a toolchain message in the terms of the lesson.
type buildDiagnosis struct {
	marker  string // a part of the toolchain's line
	explain string // what is wrong; %s, if present, is the word after marker
}

var buildDiagnoses = []buildDiagnosis{
	{`only allowed in Go files that import "unsafe"`, "the compiler ignores //go:linkname in a file that does not import unsafe."},
	{"missing function body", "a function has no body, and nothing tells the compiler that its body comes from elsewhere."},
	{"relocation target ", "nothing linked into the program defines %s, the symbol a directive names."},
	{"invalid reference to ", "the linker refuses to let a program pull %s: the standard library keeps it to itself."},
	{"duplicated definition of symbol ", "two packages define %s."},
}

// diagnose turns a failed build's output into what is still wrong: the
// lesson's words for the first line it recognises, then the toolchain's
// own lines.
func diagnose(out string) string {
	var lines []string
	explanation := "it does not build."
	found := false
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "# ") {
			continue // the package the go command was building
		}
		lines = append(lines, line)
		for _, d := range buildDiagnoses {
			_, after, ok := strings.Cut(line, d.marker)
			if !ok || found {
				continue
			}
			found, explanation = true, d.explain
			if strings.Contains(d.explain, "%s") {
				explanation = fmt.Sprintf(d.explain, strings.Fields(after)[0])
			}
		}
	}
	return explanation + "\n" + indent(strings.Join(lines, "\n"))
}

// installLinkcheck installs linkcheck into bin/ as the Makefile does (a
// quick no-op when it is up to date) and returns its path. Only a program
// that builds needs it, so it is not a prerequisite of make check.
func installLinkcheck(root string) (string, error) {
	bin := filepath.Join(root, "bin")
	cmd := exec.Command("go", "install", "./linkcheck")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOBIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install ./linkcheck: %v\n%s", err, out)
	}
	return filepath.Join(bin, "linkcheck"+exeSuffix()), nil
}

// linkcheckExercise runs bin/linkcheck on the program in dir and returns
// what it finds wrong, from its exit status (0: nothing, 1: findings with
// errors, 2: could not check) and its findings, of which it names those in
// the package of the file to fix.
func linkcheckExercise(root string, ex exerciseSpec, dir string) (string, error) {
	linkcheck, err := installLinkcheck(root)
	if err != nil {
		return "", err
	}
	cmd := exec.Command(linkcheck, "-json", "./...")
	cmd.Dir = dir
	cmd.Env = linkcheckEnv(append(os.Environ(), "GOWORK=off", "GOPROXY=off"))
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		return "", fmt.Errorf("linkcheck could not check %s: %v\n%s", dir, err, out)
	}
	var findings []linkcheckFinding
	if err := json.Unmarshal(out, &findings); err != nil {
		return "", fmt.Errorf("linkcheck -json: %v", err)
	}
	if ex.keep != "" && !slices.ContainsFunc(findings, func(f linkcheckFinding) bool { return f.Local == ex.keep && f.Target != "" }) {
		return fmt.Sprintf("%s no longer carries a //go:linkname directive naming its target: the exercise is to make the directive work, not to do without it.\n", ex.keep), nil
	}
	if err == nil {
		return "", nil
	}
	var lines []string
	for _, f := range findings {
		file, _, _ := strings.Cut(f.Pos, ":")
		if f.Target == "" || path.Dir(file) != path.Dir(ex.edit) {
			continue
		}
		line := fmt.Sprintf("%s: %s -> %s [%s]", f.Pos, f.Local, f.Target, f.Mode)
		if f.BuildFails != "" {
			line += ": " + f.BuildFails
		}
		for _, diff := range f.Diffs {
			line += "\n    " + diff
		}
		lines = append(lines, line)
	}
	return "linkcheck finds a wrong directive, though the program builds and runs:\n" +
		indent(strings.Join(lines, "\n")) +
		"  ../../bin/linkcheck ./... in the scratch folder says why.\n", nil
}
