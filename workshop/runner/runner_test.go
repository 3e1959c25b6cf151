package runner

import (
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

func TestCommand(t *testing.T) {
	var both strings.Builder
	if err := Command(nil, 0, &both, &both, script(t, "echo out\necho err >&2\n")); err != nil || both.String() != "out\nerr\n" {
		t.Errorf("one writer for both: %q, %v", both.String(), err)
	}
	var out strings.Builder
	start := time.Now()
	if err := Command(nil, 100*time.Millisecond, &out, &out, script(t, "exec sleep 10\n")); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("a program past its time was not stopped: %v", err)
	}
	if err := Command(nil, 0, &out, &out, "no-such-program-here"); err == nil || !strings.Contains(err.Error(), "not found in PATH") {
		t.Errorf("a missing program: %v", err)
	}
	var env strings.Builder
	if err := Command([]string{"GREETING=hello"}, 0, &env, &env, script(t, "echo $GREETING\n")); err != nil || env.String() != "hello\n" {
		t.Errorf("env: %q, %v", env.String(), err)
	}
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
