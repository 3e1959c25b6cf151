package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Outside a workspace run-all says so and exits 2; inside, an example it
// does not know fails it, naming the examples there are.
func TestRunAll(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	outside := t.TempDir()
	os.Chdir(outside)
	var stdout, stderr strings.Builder
	if code := runAll(nil, &stdout, &stderr); code != 2 || !strings.HasPrefix(stderr.String(), "run-all: no go.work") {
		t.Errorf("outside a workspace: exit %d, %q", code, stderr.String())
	}
	inside := filepath.Join(outside, "sub")
	os.Mkdir(inside, 0o777)
	os.WriteFile(filepath.Join(outside, "go.work"), []byte("go 1.23\n"), 0o666)
	os.Chdir(inside)
	stderr.Reset()
	if code := runAll([]string{"nope"}, &stdout, &stderr); code != 1 || stdout.String() != "no example \"nope\"; the examples are: pull, push, handshake, stdlib\n" {
		t.Errorf("an unknown example: exit %d, %q, %q", code, stdout.String(), stderr.String())
	}
}
