package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// What the check says about each exercise as shipped: the one place these
// messages are written.
var brokenExercises = map[string]string{
	"import-unsafe": `the compiler ignores //go:linkname in a file that does not import unsafe.
    ./main.go:15:3: //go:linkname only allowed in Go files that import "unsafe"
    ./main.go:16:6: missing function body
`,
	"link-the-target": `nothing linked into the program defines example.com/linkname/bar.add, the symbol a directive names.
    main.main: relocation target example.com/linkname/bar.add not defined
`,
	"push-body": `a function has no body, and nothing tells the compiler that its body comes from elsewhere.
    foo/foo.go:11:6: missing function body
`,
	"match-the-signature": `linkcheck finds a wrong directive, though the program builds and runs:
  on linux/amd64, linux/arm64, darwin/amd64, darwin/arm64, windows/amd64:
    main.go:18: Add -> example.com/linkname/bar.add [pull]
        param 1: int32 (int register 0: int 4 bytes) vs int (int register 0: int 8 bytes)
        param 2: int32 (int register 1: int 4 bytes) vs int (int register 1: int 8 bytes)
        result 1: int32 (int register 0: int 4 bytes) vs int (int register 0: int 8 bytes)
  ../../bin/linkcheck ./... in the scratch folder says why.
`,
	"std-pull-refused": `the linker refuses to let a program pull time.runtimeNano: the standard library keeps it to itself.
    link: main: invalid reference to time.runtimeNano
`,
	"method-symbol": `nothing linked into the program defines example.com/linkname/bar.tally.add, the symbol a directive names.
    main.main: relocation target example.com/linkname/bar.tally.add not defined
`,
}

// workspaceRoot returns the workspace root as an absolute path, so that
// tests running side by side never depend on the current directory.
func workspaceRoot(t *testing.T) string {
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

var linkcheckInstalled = sync.OnceValue(func() error {
	root, err := filepath.Abs(".")
	if err != nil {
		return err
	}
	_, err = installLinkcheck(root)
	return err
})

// installLinkcheckOnce installs bin/linkcheck before the checks that run
// side by side need it, so that they never install it at the same time.
func installLinkcheckOnce(t *testing.T, root string) {
	if err := linkcheckInstalled(); err != nil {
		t.Fatal(err)
	}
}

// Each exercise, copied out as make exercise does, fails its check with the
// recorded message, and passes once its solution is laid over it.
func TestExercisesFailAsShippedAndPassSolved(t *testing.T) {
	t.Parallel()
	root := workspaceRoot(t)
	installLinkcheckOnce(t, root)
	for _, ex := range exerciseList {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := startExercise(root, ex, dir); err != nil {
				t.Fatal(err)
			}
			problem, err := checkExercise(root, ex, dir)
			if err != nil {
				t.Fatal(err)
			}
			if want := brokenExercises[ex.name]; problem != want {
				t.Errorf("as shipped, the check says:\n%s\nwant:\n%s", problem, want)
			}
			if err := solveExercise(root, ex, dir); err != nil {
				t.Fatal(err)
			}
			if problem, err := checkExercise(root, ex, dir); problem != "" || err != nil {
				t.Errorf("with its solution, the check says: %s%v", problem, err)
			}
		})
	}
}

// Every folder in exercises/ is an exercise on the list.
func TestExerciseFoldersMatchTheList(t *testing.T) {
	root := workspaceRoot(t)
	entries, err := os.ReadDir(filepath.Join(root, exercisesDir))
	if err != nil {
		t.Fatal(err)
	}
	var folders, listed []string
	for _, e := range entries {
		if e.IsDir() {
			folders = append(folders, e.Name())
		}
	}
	for _, ex := range exerciseList {
		listed = append(listed, ex.name)
		if _, ok := brokenExercises[ex.name]; !ok {
			t.Errorf("%s: no recorded message for it as shipped", ex.name)
		}
	}
	slices.Sort(listed)
	if !slices.Equal(folders, listed) {
		t.Errorf("folders in exercises/: %v; exercises on the list: %v", folders, listed)
	}
	if len(exerciseList) < 6 {
		t.Errorf("%d exercises; the workshop plans six or more", len(exerciseList))
	}
}

// The file each exercise asks to edit is in its scratch copy, and the
// files it takes away are not.
func TestExerciseEditFileExists(t *testing.T) {
	root := workspaceRoot(t)
	for _, ex := range exerciseList {
		dir := t.TempDir()
		if err := startExercise(root, ex, dir); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, ex.edit)); err != nil {
			t.Errorf("%s: the file to edit: %v", ex.name, err)
		}
		for _, gone := range ex.remove {
			if _, err := os.Stat(filepath.Join(dir, gone)); err == nil {
				t.Errorf("%s: %s should be gone from the scratch copy", ex.name, gone)
			}
		}
	}
}

func TestDiagnoseUnknownFailure(t *testing.T) {
	got := diagnose("# example.com/linkname\n./main.go:3:1: syntax error: unexpected }\n")
	want := "it does not build.\n    ./main.go:3:1: syntax error: unexpected }\n"
	if got != want {
		t.Errorf("diagnose = %q, want %q", got, want)
	}
}

// The other honest fixes pass too, and a "fix" that drops the directive
// the exercise is about does not.
func TestExerciseOtherFixes(t *testing.T) {
	t.Parallel()
	root := workspaceRoot(t)
	installLinkcheckOnce(t, root)
	for _, c := range []struct {
		exercise, file, src, want string
	}{
		{"push-body", "foo/foo.go", "package foo\n\nimport (\n\t_ \"example.com/linkname/bar\"\n\t_ \"unsafe\"\n)\n\n//go:linkname Div\nfunc Div(a, b int) int\n", ""},
		{"std-pull-refused", "main.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n\tstart := time.Now()\n\ttime.Sleep(time.Millisecond)\n\tfmt.Printf(\"the clock moved on by the millisecond slept: %t\\n\", time.Since(start) >= time.Millisecond)\n}\n", ""},
		{"import-unsafe", "main.go", "package main\n\nimport \"fmt\"\n\nfunc Add(a, b int) int { return a + b }\n\nfunc main() {\n\tfmt.Printf(\"Add(1, 2): %d\\n\", Add(1, 2))\n}\n",
			"Add no longer carries a //go:linkname directive naming its target: the exercise is to make the directive work, not to do without it.\n"},
	} {
		t.Run(c.exercise, func(t *testing.T) {
			t.Parallel()
			if problem := checkEdited(t, root, c.exercise, c.file, func(string) string { return c.src }); problem != c.want {
				t.Errorf("the check says %q, want %q", problem, c.want)
			}
		})
	}
}

// A wrong fix that makes the program print the right line is refused, in
// the lesson's words, with the exact message make check prints.
func TestExerciseWrongFixesRefused(t *testing.T) {
	t.Parallel()
	root := workspaceRoot(t)
	installLinkcheckOnce(t, root)
	for _, c := range []struct {
		name, exercise, file string
		// edit turns the exercise as shipped into the wrong fix.
		old, new string
		want     string
	}{
		{
			// Add gets a body: the directive now pushes it into bar.add,
			// and bar is still not part of the program.
			"body instead of import", "link-the-target", "main.go",
			"func Add(a, b int) int\n", "func Add(a, b int) int { return a + b }\n",
			"Add has a body now, so its directive pushes that body into example.com/linkname/bar.add instead of pulling " +
				"example.com/linkname/bar.add's: the program runs its own code, and nothing of example.com/linkname/bar is used " +
				"(linkcheck labels the line [push]). The exercise is a pull: take Add's body away again and make " +
				"example.com/linkname/bar part of the program.\n",
		},
		{
			// int64 is int's size on 64-bit ports only.
			"int64", "match-the-signature", "main.go",
			"func Add(a, b int32) int32\n", "func Add(a, b int64) int64\n",
			`linkcheck finds a wrong directive on other ports, though the program builds and runs on this one (linux/amd64): a declaration must agree with its target on every port Go supports first class.
  on linux/386, linux/arm, windows/386:
    main.go:18: Add -> example.com/linkname/bar.add [pull]
        param 1: int64 (stack at 0: 8 bytes, no pointers) vs int (stack at 0: 4 bytes, no pointers)
        param 2: int64 (stack at 8: 8 bytes, no pointers) vs int (stack at 4: 4 bytes, no pointers)
        result 1: int64 (stack at 16: 8 bytes, no pointers) vs int (stack at 8: 4 bytes, no pointers)
        stack frame: 24 bytes vs 12
  GOOS=linux GOARCH=386 CGO_ENABLED=0 ../../bin/linkcheck ./... in the scratch folder says why.
`,
		},
		{
			// A clock that never moves: it links, and prints the wrong line.
			"clock that never moves", "std-pull-refused", "main.go",
			"//go:linkname runtimeNano time.runtimeNano\nfunc runtimeNano() int64\n", "func runtimeNano() int64 { return 0 }\n",
			`it builds and runs, but prints
    the clock moved on by the millisecond slept: false
instead of what main_test.go expects:
    the clock moved on by the millisecond slept: true
the clock it reads did not move while the program slept a millisecond: a clock that never moves is no fix. Read the real monotonic clock: a symbol the runtime opens to outside use, or package time's public API.
`,
		},
		{
			// The star of a pointer receiver, without the parentheses.
			"star without parentheses", "method-symbol", "main.go",
			"bar.tally.add\n", "bar.*tally.add\n",
			`nothing linked into the program defines example.com/linkname/bar.*tally.add, the symbol a directive names. A method with a pointer receiver has the symbol path.(*T).name: the star and the type go in parentheses.
    main.main: relocation target example.com/linkname/bar.*tally.add not defined
`,
		},
		{
			// Div gets a body of its own, and bar still pushes one.
			"body in foo", "push-body", "foo/foo.go",
			"func Div(a, b int) int\n", "func Div(a, b int) int { return a / b }\n",
			`two packages define example.com/linkname/foo.Div, and a symbol has one body: a push gives it one, and so does a function written with a body.
    link: duplicated definition of symbol example.com/linkname/foo.Div, from example.com/linkname/bar (type STEXT size 38) and example.com/linkname/foo (type STEXT size 38)
`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.exercise == "match-the-signature" && runtime.GOOS+"/"+runtime.GOARCH != "linux/amd64" {
				t.Skip("the message names the ports other than linux/amd64, the one it was recorded on")
			}
			problem := checkEdited(t, root, c.exercise, c.file, func(src string) string {
				if !strings.Contains(src, c.old) {
					t.Fatalf("%s as shipped has no line %q", c.file, c.old)
				}
				return strings.Replace(src, c.old, c.new, 1)
			})
			if problem != c.want {
				t.Errorf("the check says:\n%s\nwant:\n%s", problem, c.want)
			}
		})
	}
}

// The listing marks an exercise done once make check passed it, and only
// while its copy stays as it was then.
func TestExerciseDoneMark(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ex")
	if got := exerciseState(dir); got != "" {
		t.Errorf("no copy: %q", got)
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "main.go"), []byte("package main\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if got := exerciseState(dir); got != " (started)" {
		t.Errorf("started: %q", got)
	}
	if err := markDone(dir); err != nil {
		t.Fatal(err)
	}
	if got := exerciseState(dir); got != " (done)" {
		t.Errorf("checked: %q", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "main.go"), []byte("package main // edited\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if got := exerciseState(dir); got != " (started)" {
		t.Errorf("edited after the check: %q", got)
	}
}

// make check's next: is the next exercise of the session not done yet,
// coming round to those skipped, with how many are left.
func TestNextExercise(t *testing.T) {
	names := make([]string, len(exerciseList))
	for i, ex := range exerciseList {
		names[i] = ex.name
	}
	doneSet := func(done ...string) func(string) bool {
		return func(name string) bool { return slices.Contains(done, name) }
	}
	n := len(names)
	for _, c := range []struct {
		i    int
		done []string
		want string
	}{
		{0, names[:1], fmt.Sprintf("next: make exercise EX=%s (%d exercises still to do)", names[1], n-1)},
		{1, append([]string{names[2]}, names[:2]...), fmt.Sprintf("next: make exercise EX=%s (%d exercises still to do)", names[3], n-3)},
		{n - 1, names[1:], fmt.Sprintf("next: make exercise EX=%s (the one exercise still to do)", names[0])},
		{n - 1, names, fmt.Sprintf("that was the last exercise: all %d are done.", n)},
	} {
		if got := nextExercise(c.i, doneSet(c.done...)); got != c.want {
			t.Errorf("after %s, with %q done: %q, want %q", names[c.i], c.done, got, c.want)
		}
	}
}

// The exercises are listed in the order the session meets them:
// TEACHING.md's plan names them first in that order, from its table on.
func TestExercisesInPlanOrder(t *testing.T) {
	src, err := os.ReadFile(teachingGuide)
	if err != nil {
		t.Fatal(err)
	}
	_, plan, _ := strings.Cut(string(src), "\n## The plan\n")
	var named []string
	for _, m := range backquoted.FindAllStringSubmatch(plan, -1) {
		if name := strings.TrimPrefix(m[1], "make exercise EX="); exerciseNamed(name) != nil && !slices.Contains(named, name) {
			named = append(named, name)
		}
	}
	var list []string
	for _, ex := range exerciseList {
		list = append(list, ex.name)
	}
	if !slices.Equal(named, list) {
		t.Errorf("%s's plan meets the exercises in the order %q; exerciseList has %q", teachingGuide, named, list)
	}
}

// checkEdited starts exercise name in a folder of its own, edits its file
// as edit says (given the file as shipped), and returns what make check
// says of it.
func checkEdited(t *testing.T, root, name, file string, edit func(src string) string) string {
	t.Helper()
	i := slices.IndexFunc(exerciseList, func(e exerciseSpec) bool { return e.name == name })
	dir := t.TempDir()
	if err := startExercise(root, exerciseList[i], dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, file)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(edit(string(src))), 0o666); err != nil {
		t.Fatal(err)
	}
	problem, err := checkExercise(root, exerciseList[i], dir)
	if err != nil {
		t.Fatal(err)
	}
	return problem
}
