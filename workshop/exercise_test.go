package main

import (
	"os"
	"path/filepath"
	"slices"
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
		{"std-pull-refused", "main.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n\tstart := time.Now()\n\tsum := 0\n\tfor i := range 1000 {\n\t\tsum += i\n\t}\n\tfmt.Printf(\"sum: %d; the clock did not go backwards: %t\\n\", sum, time.Since(start) >= 0)\n}\n", ""},
		{"import-unsafe", "main.go", "package main\n\nimport \"fmt\"\n\nfunc Add(a, b int) int { return a + b }\n\nfunc main() {\n\tfmt.Printf(\"Add(1, 2): %d\\n\", Add(1, 2))\n}\n",
			"Add no longer carries a //go:linkname directive naming its target: the exercise is to make the directive work, not to do without it.\n"},
	} {
		t.Run(c.exercise, func(t *testing.T) {
			t.Parallel()
			i := slices.IndexFunc(exerciseList, func(e exerciseSpec) bool { return e.name == c.exercise })
			dir := t.TempDir()
			if err := startExercise(root, exerciseList[i], dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, c.file), []byte(c.src), 0o666); err != nil {
				t.Fatal(err)
			}
			problem, err := checkExercise(root, exerciseList[i], dir)
			if err != nil {
				t.Fatal(err)
			}
			if problem != c.want {
				t.Errorf("the check says %q, want %q", problem, c.want)
			}
		})
	}
}
