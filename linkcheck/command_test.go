package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// exitCode reports each error once and maps it to the exit status.
func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		want   string
	}{
		{nil, 0, ""},
		{errFails, 1, ""},
		{fmt.Errorf("in a port: %w", errFails), 1, ""},
		{errUsage, 2, ""},
		{usageError("usage: linkcheck -marks VERSION"), 2, "usage: linkcheck -marks VERSION\n"},
		{errors.New("pattern ./x matched no packages"), 2, "linkcheck: pattern ./x matched no packages\n"},
		{fmt.Errorf("go1.27.3: %w", errors.New("no such Go")), 2, "linkcheck: go1.27.3: no such Go\n"},
	} {
		for _, status := range []int{1, 2} {
			want := c.status
			if want == 2 {
				want = status // the caller's status for its errors
			}
			var stderr strings.Builder
			if got := exitCode(&stderr, c.err, status); got != want || stderr.String() != c.want {
				t.Errorf("exitCode(%v, %d) = %d, printing %q; want %d, %q", c.err, status, got, stderr.String(), want, c.want)
			}
		}
	}
	if got := firstLine(errors.New("one\ntwo\nthree")); got.Error() != "one" {
		t.Errorf("firstLine: %q", got)
	}
	if err := errors.New("one"); firstLine(err) != err {
		t.Errorf("firstLine of a one-line error is not the error itself")
	}
}

// findingsError is errFails exactly when a finding outside the standard
// library stops the build or has an unsafe signature.
func TestFindingsError(t *testing.T) {
	for _, c := range []struct {
		findings []finding
		fails    bool
	}{
		{nil, false},
		{[]finding{{Link: linkOK}}, false},
		{[]finding{{Link: linkOK}, {Link: linkFails}}, true},
		{[]finding{{Link: linkOK, Signature: sigIncompatible}}, true},
		{[]finding{{Link: linkOK, Signature: sigSameShape, Warnings: []string{"a gap"}}}, false},
		{[]finding{{Link: linkFails, Module: "std"}, {Link: linkOK, Signature: sigIncompatible, Module: "std"}}, false},
	} {
		if err := findingsError(c.findings); (err == errFails) != c.fails || (err != nil && err != errFails) {
			t.Errorf("findingsError(%+v) = %v, want fails %v", c.findings, err, c.fails)
		}
	}
}

// Arguments that cannot work together, or a file that cannot be read,
// stop linkcheck with one line and exit status 2 before it loads
// anything; -help is not an error.
func TestArgumentErrors(t *testing.T) {
	dir := writeModule(t, filesProgram)
	missing := filepath.Join(dir, "missing.allow")
	_, readErr := readAllow(missing)
	if readErr == nil {
		t.Fatal("readAllow of a missing file: no error")
	}
	marksUsage := "usage: linkcheck -marks [-json] VERSION [VERSION]\n"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-allow", "x.allow", "-upgrade", "local", "."}, "linkcheck: -allow and -upgrade do not combine: run -allow with each Go (-go)\n"},
		{[]string{"-ports", "-upgrade", "local", "."}, "linkcheck: -ports and -upgrade do not go together: run one, then the other\n"},
		{[]string{"-allow", missing, "."}, "linkcheck: " + readErr.Error() + "\n"},
		{[]string{"-marks"}, marksUsage},
		{[]string{"-marks", "-json"}, marksUsage},
		{[]string{"-marks", "local", "local", "local"}, marksUsage},
		{[]string{"-marks", "1.27"}, "linkcheck: -marks: " + checkVersion("1.27").Error() + "\n"},
	} {
		stdout, stderr, status := runIn(t, dir, c.args...)
		if status != 2 || stdout != "" || stderr != c.want {
			t.Errorf("linkcheck %s: status %d, want 2; stdout %q\nstderr %q\nwant   %q", strings.Join(c.args, " "), status, stdout, stderr, c.want)
		}
	}
	stdout, stderr, status := runIn(t, dir, "-nosuch", ".")
	if first, _, _ := strings.Cut(stderr, "\n"); status != 2 || stdout != "" || first != "flag provided but not defined: -nosuch" {
		t.Errorf("linkcheck -nosuch: status %d, want 2; stdout %q; stderr %q", status, stdout, stderr)
	}
	// -help prints the usage of every mode, the vet mode's included, and
	// each flag, once.
	stdout, stderr, status = runIn(t, dir, "-help")
	if status != 0 || stdout != "" || !strings.HasPrefix(stderr, "usage: linkcheck [-json]") || !strings.Contains(stderr, vetUsage) ||
		strings.Count(stderr, "\n  -marks\n") != 1 || strings.Count(stderr, "usage:") != 1 {
		t.Errorf("linkcheck -help: status %d, want 0; stdout %q; stderr:\n%s", status, stdout, stderr)
	}
}

// The plain command's text report and its exit status, for a program
// that fails to link, and with -checklinkname=false, which lets it link.
func TestReportCommand(t *testing.T) {
	dir := writeModule(t, filesProgram)
	tc := toolchainOrFail(t)
	for _, c := range []struct {
		args   []string
		status int
		ends   string
	}{
		{[]string{"."}, 1, "the build fails\n"},
		{[]string{"-checklinkname=false", "."}, 0, "the program links\n"},
		{[]string{"./lib"}, 0, "nothing here stops the build\n"},
	} {
		stdout, stderr, status := runIn(t, dir, c.args...)
		total := fmt.Sprintf("with %s's rules (%s/%s, ", tc.version, tc.goos, tc.goarch)
		if status != c.status || stderr != "" || !strings.HasSuffix(stdout, c.ends) || !strings.Contains(stdout, total) ||
			!strings.HasPrefix(stdout, "example.test\n") {
			t.Errorf("linkcheck %s: status %d, want %d; stderr %q; stdout:\n%s", strings.Join(c.args, " "), status, c.status, stderr, stdout)
		}
	}
}

// -upgrade to the same Go finds nothing that changes: exit status 0, the
// JSON naming one version twice.
func TestUpgradeToItself(t *testing.T) {
	dir := writeModule(t, filesProgram)
	version := toolchainOrFail(t).version
	stdout, stderr, status := runIn(t, dir, "-upgrade", "local", "-json", ".")
	var r map[string]any
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || status != 0 || stderr != "" || r["from"] != version || r["to"] != version {
		t.Errorf("linkcheck -upgrade local -json: status %d, want 0 (%v); stderr %q; stdout:\n%s", status, err, stderr, stdout)
	}
	stdout, stderr, status = runIn(t, dir, "-upgrade", "local", ".")
	if status != 0 || stderr != "" || !strings.Contains(stdout, version) {
		t.Errorf("linkcheck -upgrade local: status %d, want 0; stderr %q; stdout:\n%s", status, stderr, stdout)
	}
	// A Go that cannot be had: the go command's reason, after the
	// version.
	t.Setenv("GOPROXY", "off")
	fetching := captureStderr(t, func() { _, stderr, status = runIn(t, dir, "-upgrade", "go1.99.0", ".") })
	if status != 2 || !strings.HasPrefix(stderr, "linkcheck: go1.99.0: go: download go1.99.0") || strings.Count(stderr, "\n") != 1 || !strings.Contains(fetching, "fetching go1.99.0") {
		t.Errorf("linkcheck -upgrade go1.99.0: status %d, want 2; stderr %q", status, stderr)
	}
}

// -ports checks each first-class port: a pull whose int is 4 bytes on the
// 32-bit ports is unsafe there, which makes the exit status 1; a pattern
// that matches nothing stops it with the first port's error.
func TestPortsCommand(t *testing.T) {
	dir := writeModule(t, map[string]string{"main.go": "package main\n\nimport _ \"unsafe\"\n\n" +
		"//go:linkname nanotime runtime.nanotime\nfunc nanotime() int\n\nfunc main() { println(nanotime() > 0) }\n",
		"empty/README.md": "nothing\n"})
	stdout, stderr, status := runIn(t, dir, "-ports", "-json", ".")
	var r struct{ Ports []portResult }
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || status != 1 || len(r.Ports) != len(firstClassPorts) {
		t.Fatalf("linkcheck -ports -json: status %d, want 1 (%v); stderr %q; stdout:\n%s", status, err, stderr, stdout)
	}
	stdout, _, status = runIn(t, dir, "-ports", ".")
	for _, port := range firstClassPorts {
		if !strings.Contains(stdout, port) {
			t.Errorf("linkcheck -ports says nothing of %s:\n%s", port, stdout)
		}
	}
	if status != 1 {
		t.Errorf("linkcheck -ports: status %d, want 1", status)
	}
	stdout, stderr, status = runIn(t, dir, "-ports", "./empty/...")
	if want := "linkcheck: " + firstClassPorts[0] + ": pattern ./empty/... matched no packages\n"; status != 2 || stdout != "" || stderr != want {
		t.Errorf("linkcheck -ports ./empty/...: status %d, want 2; stdout %q; stderr %q, want %q", status, stdout, stderr, want)
	}
}

// -marks lists the running Go's marks, as text or JSON, and compares a
// version with itself: nothing differs.
func TestMarksCommand(t *testing.T) {
	dir := writeModule(t, filesProgram)
	stdout, stderr, status := runIn(t, dir, "-marks", "-json", "local")
	var r marksReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || status != 0 || stderr != "" || r.Go != runtime.Version() || len(r.Symbols) == 0 {
		t.Fatalf("linkcheck -marks -json local: status %d, want 0 (%v); stderr %q; %d symbols", status, err, stderr, len(r.Symbols))
	}
	stdout, stderr, status = runIn(t, dir, "-marks", "local")
	if status != 0 || stderr != "" || !strings.HasPrefix(stdout, runtime.Version()+" ") || !strings.Contains(stdout, r.Symbols[0].Symbol) {
		t.Errorf("linkcheck -marks local: status %d, want 0; stderr %q; stdout begins %.300q", status, stderr, stdout)
	}
	stdout, stderr, status = runIn(t, dir, "-marks", "local", "local")
	var diff marksDiff
	if status != 0 || stderr != "" || stdout == "" {
		t.Errorf("linkcheck -marks local local: status %d, want 0; stderr %q; stdout %q", status, stderr, stdout)
	}
	stdout, _, status = runIn(t, dir, "-marks", "-json", "local", "local")
	if err := json.Unmarshal([]byte(stdout), &diff); err != nil || status != 0 {
		t.Errorf("linkcheck -marks -json local local: status %d, want 0 (%v); stdout %q", status, err, stdout)
	}
	t.Setenv("GOPROXY", "off")
	captureStderr(t, func() { _, stderr, status = runIn(t, dir, "-marks", "go1.99.0") })
	if status != 2 || !strings.HasPrefix(stderr, "linkcheck: go1.99.0: go: download go1.99.0") {
		t.Errorf("linkcheck -marks go1.99.0: status %d, want 2; stderr %q", status, stderr)
	}
}
