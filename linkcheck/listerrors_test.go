package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// A package that go list reports with an error stops linkcheck as it
// stops go build, in the go command's words after the package's path:
// an import that no module provides, and an import cycle.
func TestListErrors(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"main.go":    "package main\n\nimport \"example.test/nope\"\n\nfunc main() { nope.X() }\n",
		"bad/bad.go": "package bad\n\nimport \"example.test/bad\"\n",
	})
	for _, c := range []struct{ pattern, pkg, says string }{
		{".", "example.test/nope", "no required module provides package example.test/nope"},
		{"./bad", "example.test/bad", "import cycle not allowed"},
	} {
		out, links := goBuild(t, dir, c.pattern)
		if links || !strings.Contains(out, c.says) {
			t.Fatalf("go build %s links, or does not say %q:\n%s", c.pattern, c.says, out)
		}
		stdout, stderr, status := runIn(t, dir, c.pattern)
		if status != 2 || stdout != "" || !strings.HasPrefix(stderr, "linkcheck: "+c.pkg+": "+c.says) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("linkcheck %s: status %d, want 2; stdout %q; stderr %q", c.pattern, status, stdout, stderr)
		}
	}
}

// Named alone, a standard-library package is checked without runtime
// listed again: its lines are the toolchain's, which never count.
func TestStdPattern(t *testing.T) {
	dir := writeModule(t, filesProgram)
	stdout, stderr, status := runIn(t, dir, "-json", "-std", "runtime")
	var got []finding
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || status != 0 || stderr != "" || len(got) == 0 {
		t.Fatalf("linkcheck -json -std runtime: status %d, want 0 (%v); stderr %q; %d findings", status, err, stderr, len(got))
	}
	for _, f := range got {
		if f.Module != "std" || !strings.HasPrefix(f.Pos, "runtime/") {
			t.Errorf("a finding outside runtime: %+v", f)
			break
		}
	}
}
