package runner

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// script writes a shell script and returns its path.
func script(t *testing.T, body string) string {
	p := filepath.Join(t.TempDir(), "prog")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o777); err != nil {
		t.Fatal(err)
	}
	return p
}

// A program's standard output comes back whatever its exit; an exit that
// is not zero is an error, in the words of what it printed on standard
// error when it printed something.
func TestRunProgram(t *testing.T) {
	for _, c := range []struct {
		body, out, err string
	}{
		{"echo hi\n", "hi\n", ""},
		{"echo hi\nexit 3\n", "hi\n", "exit status 3"},
		{"echo hi\necho broken >&2\nexit 1\n", "hi\n", "broken"},
		{"echo quiet >&2\n", "", ""},
	} {
		out, err := RunProgram(script(t, c.body))
		if out != c.out || (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("%q: %q, %v; want %q, %q", c.body, out, err, c.out, c.err)
		}
	}
}

func TestProc(t *testing.T) {
	if both, err := (Proc{}).Combined(script(t, "echo out\necho err >&2\n")); err != nil || string(both) != "out\nerr\n" {
		t.Errorf("one writer for both: %q, %v", both, err)
	}
	start := time.Now()
	if _, err := (Proc{Timeout: 100 * time.Millisecond}).Combined(script(t, "exec sleep 10\n")); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("a program past its time was not stopped: %v", err)
	}
	if _, err := (Proc{}).Combined("no-such-program-here", "-x"); err == nil || err.Error() != "no-such-program-here -x: not found in PATH" {
		t.Errorf("a missing program: %v", err)
	}
	if env, err := (Proc{Env: []string{"GREETING=hello"}}).Combined(script(t, "echo $GREETING\n")); err != nil || string(env) != "hello\n" {
		t.Errorf("env: %q, %v", env, err)
	}
	// Output keeps standard error for the error, which names the command
	// and carries the exit code.
	prog := script(t, "echo out\necho why >&2\nexit 3\n")
	out, err := (Proc{}).Output(prog, "a", "b")
	var e *Error
	if string(out) != "out\n" || !errors.As(err, &e) || e.Code != 3 || err.Error() != prog+" a b: exit status 3: why" {
		t.Errorf("Output: %q, %v", out, err)
	}
	// A writer of its own takes standard error instead.
	var stderr strings.Builder
	if out, err := (Proc{Stderr: &stderr}).Output(prog); string(out) != "out\n" || stderr.String() != "why\n" || err.Error() != prog+": exit status 3" {
		t.Errorf("Output with Stderr: %q, %q, %v", out, stderr.String(), err)
	}
	// Dir is where it runs; a relative name is still this folder's.
	dir := t.TempDir()
	rel, err := filepath.Rel(mustGetwd(t), script(t, "pwd\n"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := (Proc{Dir: dir}).Output(rel); err != nil || strings.TrimSpace(string(out)) != dir {
		t.Errorf("Dir: %q, %v; want %s", out, err, dir)
	}
	// A file is handed to the program as it is, and nil discards.
	f, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	state, err := Proc{Stdout: f}.Run(script(t, "echo to-file\necho lost >&2\n"))
	f.Close()
	if data, _ := os.ReadFile(f.Name()); err != nil || state.ExitCode() != 0 || string(data) != "to-file\n" {
		t.Errorf("Run into a file: %q, %v", data, err)
	}
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// ChdirToRoot finds go.work from a folder below it.
func TestChdirToRoot(t *testing.T) {
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	root := t.TempDir()
	below := filepath.Join(root, "a", "b")
	os.MkdirAll(below, 0o777)
	os.WriteFile(filepath.Join(root, "go.work"), nil, 0o666)
	os.Chdir(below)
	if err := ChdirToRoot(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.Getwd(); got != root {
		if r, _ := filepath.EvalSymlinks(root); got != r {
			t.Errorf("in %s, want %s", got, root)
		}
	}
}
