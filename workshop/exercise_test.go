package main

import (
	"os"
	"path/filepath"
	"slices"
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
  ../../bin/linkcheck . in the scratch folder says why.
`,
	"std-pull-refused": `the linker refuses to let a program pull time.runtimeNano: the standard library does not mark it for outside use.
    link: main: invalid reference to time.runtimeNano
`,
	"method-symbol": `nothing linked into the program defines example.com/linkname/bar.tally.add, the symbol a directive names.
    main.main: relocation target example.com/linkname/bar.tally.add not defined
`,
}

// workspaceRoot returns the workspace root as an absolute path, so that
// tests running side by side never depend on the current directory.
func workspaceRoot(t *testing.T) string {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Each exercise, copied out as make exercise does, fails its check with the
// recorded message, and passes once its solution is laid over it.
func TestExercisesFailAsShippedAndPassSolved(t *testing.T) {
	root := workspaceRoot(t)
	// Installed once here, before the checks run side by side.
	if _, err := installLinkcheck(root); err != nil {
		t.Fatal(err)
	}
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
			if err := layOver(filepath.Join(root, exercisesDir, ex.name, solutionFolder), dir, ""); err != nil {
				t.Fatal(err)
			}
			if problem, err := checkExercise(root, ex, dir); problem != "" || err != nil {
				t.Errorf("with its solution, the check says: %s%v", problem, err)
			}
		})
	}
}

// Every folder in exercises/ is an exercise on the list, with a solution,
// and the file each exercise asks to edit is in its scratch copy.
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
		if _, err := os.Stat(filepath.Join(root, exercisesDir, ex.name, solutionFolder)); err != nil {
			t.Errorf("%s: no solution: %v", ex.name, err)
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
