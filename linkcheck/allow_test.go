package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestParseAllow checks the allow file's format: what it accepts, and
// each malformed line refused with its file and line.
func TestParseAllow(t *testing.T) {
	good := "# comment\n\n  \t\nexample.com/me/app fmt.tooLarge  # fmt's limit\r\nexample.com/me/app\texample.com/x.(*T).m\t#\twhy\n"
	list, err := parseAllow("a.allow", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := []allowEntry{{"example.com/me/app", "fmt.tooLarge", "fmt's limit", 4}, {"example.com/me/app", "example.com/x.(*T).m", "why", 5}}
	if len(list.entries) != len(want) || list.entries[0] != want[0] || list.entries[1] != want[1] {
		t.Errorf("parsed %+v\nwant %+v", list.entries, want)
	}
	for line, problem := range map[string]string{
		"example.com/me/app":                            `"example.com/me/app" alone: want PACKAGE SYMBOL # REASON`,
		"example.com/me/app fmt.tooLarge":               "no reason: end the line with # and why example.com/me/app needs fmt.tooLarge",
		"example.com/me/app fmt.tooLarge #":             "an empty reason: say after the # why example.com/me/app needs fmt.tooLarge",
		"example.com/me/app fmt.tooLarge#why":           "a blank must come before the # that starts the reason",
		"example.com/me/app fmt.tooLarge extra # why":   "3 fields before the reason, want 2 (PACKAGE SYMBOL): a reason starts with #",
		"example.com/me/app tooLarge # why":             `"tooLarge" is not a symbol: want the target as the directive names it, a package path, a dot and a name (fmt.tooLarge)`,
		"fmt.tooLarge example.com/me/app # swapped":     `"example.com/me/app" is not a symbol: want the target as the directive names it, a package path, a dot and a name (fmt.tooLarge)`,
		`"example.com/me/app" fmt.tooLarge # quoted`:    `package "\"example.com/me/app\"": '"' has no place in an import path`,
		"example.com//app fmt.tooLarge # empty element": `package "example.com//app": an import path has no empty element`,
		"example.com/me/app fmt.tooLarge\v # a control": "a control character: only spaces and tabs separate the fields",
	} {
		data := "# first\nexample.com/me/app runtime.nanotime # fine\n" + line + "\n"
		_, err := parseAllow("a.allow", []byte(data))
		if err == nil || !strings.HasPrefix(err.Error(), "a.allow:3: "+problem+"\n") || !strings.HasSuffix(err.Error(), allowFormat) {
			t.Errorf("%q: %v\nwant a.allow:3: %s", line, err, problem)
		}
	}
	// Every malformed line is named, a duplicate by the line it repeats.
	_, err = parseAllow("a.allow", []byte("p fmt.a # x\nbad\np fmt.a # again\n"))
	if want := "a.allow:2: \"bad\" alone: want PACKAGE SYMBOL # REASON\na.allow:3: p fmt.a is listed on line 1 already\n" + allowFormat; err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// allowTestdata is testdata/allow, and readmeFile README.md, found before
// a test changes folder.
var (
	allowTestdata, _ = filepath.Abs(filepath.Join("testdata", "allow"))
	readmeFile, _    = filepath.Abs("README.md")
)

// allowModule writes testdata/allow's program, main.go replaced when
// mainGo is not empty, with linkname.allow holding allow.
func allowModule(t *testing.T, mainGo, allow string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(allowTestdata)); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"main.go": mainGo, "linkname.allow": allow} {
		if content == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const allowTooLarge = "example.com/me/app fmt.tooLarge # fmt does not export it\n"

// runAllowJSON runs linkcheck -allow linkname.allow -json ./... in dir
// and returns the findings by local name.
func runAllowJSON(t *testing.T, dir string) (map[string]finding, string, int) {
	t.Helper()
	stdout, stderr, status := runIn(t, dir, "-allow", "linkname.allow", "-json", "./...")
	var fs []finding
	if err := json.Unmarshal([]byte(stdout), &fs); err != nil {
		t.Fatalf("%v\n%s%s", err, stdout, stderr)
	}
	byLocal := map[string]finding{}
	for _, f := range fs {
		byLocal[f.Local] = f
	}
	return byLocal, stderr, status
}

// TestAllow holds -allow to real builds: a program with a pull that needs
// -checklinkname=0 and one that the standard library marks.
func TestAllow(t *testing.T) {
	dir := allowModule(t, "", allowTooLarge)
	// What needs the flag is what the linker refuses without it.
	out, links := goBuild(t, dir, ".")
	if links || !strings.Contains(out, "invalid reference to fmt.tooLarge") || strings.Contains(out, "nanotime") {
		t.Fatalf("go build: links %v\n%s", links, out)
	}
	if out, links := goBuild(t, dir, "-ldflags=-checklinkname=0", "."); !links {
		t.Fatalf("go build -ldflags=-checklinkname=0:\n%s", out)
	}
	got, stderr, status := runAllowJSON(t, dir)
	want := map[string]allowVerdict{
		"tooLarge": {NeedsFlag: true, Allowed: true, Entry: "linkname.allow:1", Reason: reasonUnmarked, Fails: "link: main: invalid reference to fmt.tooLarge"},
		"nanotime": {Reason: reasonStdMarked},
	}
	if status != 0 || stderr != "" || len(got) != len(want) {
		t.Errorf("status %d, want 0; %d findings\n%s", status, len(got), stderr)
	}
	for local, v := range want {
		if f := got[local]; f.Allow == nil || *f.Allow != v || f.Link != linkOK {
			t.Errorf("%s: %+v, verdict %+v\nwant %+v", local, f, f.Allow, v)
		}
	}

	// Go files named on the command line are command-line-arguments.
	dir = allowModule(t, "", "command-line-arguments fmt.tooLarge # named as a file\n")
	if stdout, stderr, status := runIn(t, dir, "-allow", "linkname.allow", "main.go"); status != 0 || stderr != "" || !strings.Contains(stdout, "allowed by linkname.allow:1") {
		t.Errorf("linkcheck -allow linkname.allow main.go: status %d, want 0\n%s%s", status, stdout, stderr)
	}

	// Without the entry, the line that needs the flag is named.
	dir = allowModule(t, "", "# nothing allowed\n")
	stdout, _, status := runIn(t, dir, "-allow", "linkname.allow", "./...")
	if status != 1 || !strings.Contains(stdout, "main.go:11: tooLarge -> fmt.tooLarge [pull]\n") ||
		!strings.Contains(stdout, "NOT ALLOWED: needs -checklinkname=0 (without it: unmarked, link: main: invalid reference to fmt.tooLarge), and the allow file does not list it: example.com/me/app fmt.tooLarge # REASON\n") ||
		!strings.Contains(stdout, "0 listed, 1 not listed") {
		t.Errorf("without the entry: status %d, want 1\n%s", status, stdout)
	}

	// An entry for a line that links without the flag is stale: a
	// warning, which leaves the status alone.
	dir = allowModule(t, "", allowTooLarge+"example.com/me/app runtime.nanotime # marked anyway\nexample.com/me/app fmt.gone # no such pull\n")
	got, stderr, status = runAllowJSON(t, dir)
	wantStale := "linkcheck: warning: linkname.allow:2: stale entry: example.com/me/app's reference to runtime.nanotime links without -checklinkname=0 (std_marked)\n" +
		"linkcheck: warning: linkname.allow:3: stale entry: no reference from example.com/me/app to fmt.gone in this build\n"
	if status != 0 || stderr != wantStale || got["nanotime"].Allow == nil || !got["nanotime"].Allow.Allowed || got["nanotime"].Allow.NeedsFlag {
		t.Errorf("stale entries: status %d, want 0\n%s\nwant\n%s%+v", status, stderr, wantStale, got["nanotime"].Allow)
	}

	// The other checks keep running on an allowed line.
	wrong, err := os.ReadFile(filepath.Join(allowTestdata, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	dir = allowModule(t, strings.Replace(string(wrong), "func tooLarge(x int) bool", "func tooLarge(x string) bool", 1), allowTooLarge)
	got, _, status = runAllowJSON(t, dir)
	if f := got["tooLarge"]; status != 1 || f.Signature != sigIncompatible || f.Allow == nil || !f.Allow.Allowed || !f.Allow.NeedsFlag {
		t.Errorf("wrong signature on an allowed line: status %d, want 1; %+v %+v", status, f, f.Allow)
	}
	// A line that the compiler refuses fails with the flag too: it does
	// not need the flag, and its entry is stale.
	dir = allowModule(t, strings.Replace(string(wrong), `_ "unsafe"`, `_ "os"`, 1), allowTooLarge)
	if out, links := goBuild(t, dir, "-ldflags=-checklinkname=0", "."); links || !strings.Contains(out, `//go:linkname only allowed in Go files that import "unsafe"`) {
		t.Fatalf("go build -ldflags=-checklinkname=0 without the unsafe import: links %v\n%s", links, out)
	}
	got, stderr, status = runAllowJSON(t, dir)
	if f := got["tooLarge"]; status != 1 || f.Link != linkFails || f.Reason != reasonNoUnsafe || f.Allow == nil || f.Allow.NeedsFlag || stderr != "linkcheck: warning: linkname.allow:1: stale entry: example.com/me/app's reference to fmt.tooLarge fails with the flag too (no_unsafe_import): the flag does not help it\n" {
		t.Errorf("no unsafe import: status %d, want 1; %+v %+v\n%s", status, f, f.Allow, stderr)
	}
	// and a target that nothing defines
	dir = allowModule(t, strings.Replace(string(wrong), "tooLarge fmt.tooLarge", "tooLarge fmt.tooLong", 1), allowTooLarge)
	if out, links := goBuild(t, dir, "-ldflags=-checklinkname=0", "."); links || !strings.Contains(out, "relocation target fmt.tooLong not defined") {
		t.Fatalf("go build -ldflags=-checklinkname=0 with fmt.tooLong: links %v\n%s", links, out)
	}
	got, _, status = runAllowJSON(t, dir)
	if f := got["tooLarge"]; status != 1 || f.Link != linkFails || f.Reason != reasonUndefined {
		t.Errorf("undefined target: status %d, want 1; %+v", status, f)
	}
}

// TestAllowRefused checks that a malformed allow file, a missing one and
// -allow with -upgrade stop linkcheck with status 2.
func TestAllowRefused(t *testing.T) {
	dir := allowModule(t, "", "# ok\nexample.com/me/app fmt.tooLarge\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-allow", "linkname.allow", "./..."}, "linkcheck: linkname.allow:2: no reason: end the line with # and why example.com/me/app needs fmt.tooLarge\n" + allowFormat + "\n"},
		{[]string{"-allow", "missing.allow", "./..."}, "linkcheck: open missing.allow: no such file or directory\n"},
		{[]string{"-allow", "linkname.allow", "-upgrade", "local", "./..."}, "linkcheck: -allow and -upgrade do not combine: run -allow with each Go (-go)\n"},
	} {
		stdout, stderr, status := runIn(t, dir, c.args...)
		if status != 2 || stdout != "" || stderr != c.want {
			t.Errorf("linkcheck %s: status %d, want 2\n%s%s\nwant %s", strings.Join(c.args, " "), status, stdout, stderr, c.want)
		}
	}
}

// TestAllowTranscript checks README.md's -allow transcript against real
// runs on testdata/allow: linkcheck, then the build and the program of
// the CI recipe. -update rewrites it.
func TestAllowTranscript(t *testing.T) {
	dir := allowModule(t, "", "")
	var b strings.Builder
	b.WriteString("```console\n")
	for _, c := range []struct {
		file   string
		status int
	}{{"linkname.allow", 0}, {"none.allow", 1}} {
		allow, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		stdout, stderr, status := runIn(t, dir, "-allow", c.file, "./...")
		if status != c.status {
			t.Fatalf("linkcheck -allow %s: status %d, want %d\n%s%s", c.file, status, c.status, stdout, stderr)
		}
		fmt.Fprintf(&b, "$ cat %s\n%s$ linkcheck -allow %s ./...\n%s%s$ echo $?\n%d\n", c.file, allow, c.file, stdout, stderr, status)
	}
	exe := filepath.Join(t.TempDir(), "app")
	build := exec.Command("go", "build", "-ldflags=-checklinkname=0", "-o", exe, ".")
	build.Env, build.Dir = append(toolchainOrFail(t).env, "GOWORK=off"), dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -ldflags=-checklinkname=0: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).CombinedOutput()
	if err != nil {
		t.Fatalf("app: %v\n%s", err, out)
	}
	b.WriteString("$ go build -ldflags=-checklinkname=0 -o app . && ./app\n" + string(out) + "```\n")
	checkReadmeBlock(t, "<!-- allow transcript: go test -run TestAllowTranscript -update rewrites it -->\n", "<!-- end of the allow transcript -->\n", b.String())
}

// checkReadmeBlock checks that README.md holds block between begin and
// end; with -update, it writes it there.
func checkReadmeBlock(t *testing.T, begin, end, block string) {
	t.Helper()
	data, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(data), begin)
	recorded, after, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("README.md has no block between %q and %q", begin, end)
	}
	// The block names the Go and the platform it was recorded with.
	rules := regexp.MustCompile(`with go[^ ]*'s rules \([^)]*\)`)
	if was, now := rules.FindString(recorded), rules.FindString(block); !*update && was != now {
		t.Skipf("README.md's block is recorded %s, this run is %s", was, now)
	}
	want := before + begin + block + end + after
	if *update {
		if err := os.WriteFile(readmeFile, []byte(want), 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(data) != want {
		t.Errorf("README.md's block after %q is stale (go test -run %s -update):\n%s", begin, t.Name(), block)
	}
}

// TestAllowAssembly holds -allow to a real build of a reference made from
// assembly to runtime.newcoro, which the linker keeps from main for a
// reason that depends on the Go: Go 1.26's block-list reserves it for
// iter; Go 1.27's list leaves it out, and runtime marks it
// //go:linknamestd, for the standard library's own pulls.
func TestAllowAssembly(t *testing.T) {
	tc := toolchainOrFail(t)
	if tc.goarch != "amd64" {
		t.Skip("the assembly is amd64's")
	}
	reasons := map[string]string{"go1.26": reasonBlocked, "go1.27": reasonLinknameStd} // observed with go1.26.8 and go1.27.3
	reason, ok := reasons[minorVersion(tc.version)]
	if !ok {
		t.Fatalf("no reason recorded for %s: build a pull of runtime.newcoro from a standard-library package other than iter to tell the block-list from //go:linknamestd, and record it here", tc.version)
	}
	dir := writeModule(t, map[string]string{
		"main.go": "package main\n\nfunc f()\n\nfunc main() { f() }\n",
		"f_amd64.s": `#include "textflag.h"

TEXT ·f(SB),NOSPLIT,$0-0
	CALL runtime·newcoro(SB)
	RET
`,
		"linkname.allow": "example.test runtime.newcoro # the assembly calls it\n",
	})
	if out, links := goBuild(t, dir, "."); links || !strings.Contains(out, "invalid reference to runtime.newcoro") {
		t.Fatalf("go build: links %v\n%s", links, out)
	}
	if out, links := goBuild(t, dir, "-ldflags=-checklinkname=0", "."); !links {
		t.Fatalf("go build -ldflags=-checklinkname=0:\n%s", out)
	}
	got, stderr, status := runAllowJSON(t, dir)
	want := allowVerdict{NeedsFlag: true, Allowed: true, Entry: "linkname.allow:1", Reason: reason, Fails: "link: main: invalid reference to runtime.newcoro"}
	if f := got[asmReference]; status != 0 || stderr != "" || f.Allow == nil || *f.Allow != want || f.Pos != "f_amd64.s:4" {
		t.Errorf("status %d, want 0\n%s%+v %+v\nwant %+v", status, stderr, f, f.Allow, want)
	}
	if err := os.WriteFile(filepath.Join(dir, "linkname.allow"), []byte("# none\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if got, _, status := runAllowJSON(t, dir); status != 1 || got[asmReference].Allow == nil || got[asmReference].Allow.Allowed {
		t.Errorf("without the entry: status %d, want 1; %+v", status, got[asmReference])
	}
}

// TestAllowAcrossGoVersions checks one allow file under both Go versions
// against their real builds: Go 1.27's linker refuses a pull of the
// unmarked assembly function runtime.systemstack, which Go 1.26's lets
// through. The entry is needed under one and stale, a warning, under the
// other; the status is 0 under both.
func TestAllowAcrossGoVersions(t *testing.T) {
	if toolchainOrFail(t).goarch != "amd64" {
		t.Skip("the recorded answers are amd64's")
	}
	const other = "go1.27.3"
	skipWithout(t, other)
	dir := writeModule(t, map[string]string{
		"main.go": `package main

import _ "unsafe"

//go:linkname systemstack runtime.systemstack
func systemstack(fn func())

func main() { systemstack(func() {}) }
`,
		"linkname.allow": "example.test runtime.systemstack # an assembly function that Go 1.27 refuses\n",
	})
	needs := map[string]bool{"go1.26": false, "go1.27": true} // observed with go1.26.8 and go1.27.3
	for _, version := range []string{"local", other} {
		build := func(args ...string) (string, bool) {
			cmd := exec.Command("go", append([]string{"build", "-o", filepath.Join(t.TempDir(), "app")}, args...)...)
			cmd.Dir, cmd.Env = dir, vetEnv(version)
			out, err := cmd.CombinedOutput()
			return string(out), err == nil
		}
		out, links := build(".")
		if out, ok := build("-ldflags=-checklinkname=0", "."); !ok {
			t.Fatalf("%s: go build -ldflags=-checklinkname=0:\n%s", version, out)
		}
		stdout, stderr, status := runIn(t, dir, "-go", version, "-allow", "linkname.allow", "-json", "./...")
		var fs []finding
		if err := json.Unmarshal([]byte(stdout), &fs); err != nil || len(fs) != 1 || fs[0].Allow == nil {
			t.Fatalf("%s: %v\n%s%s", version, err, stdout, stderr)
		}
		v := fs[0].Allow
		ran := localGoEnv(t)["GOVERSION"]
		if version != "local" {
			ran = version
		}
		if v.NeedsFlag == links || v.NeedsFlag != needs[minorVersion(ran)] || !v.Allowed || status != 0 {
			t.Errorf("%s: go build links %v:\n%s\nlinkcheck: status %d, %+v (recorded: needs the flag %v)", ran, links, out, status, v, needs[minorVersion(ran)])
		}
		if stale := strings.Contains(stderr, "linkname.allow:1: stale entry"); stale == v.NeedsFlag {
			t.Errorf("%s: needs the flag %v, stale warning %v:\n%s", ran, v.NeedsFlag, stale, stderr)
		}
	}
}

// TestReadmeAllowFields checks that README.md's table of checklinkname's
// fields lists exactly those of allowVerdict.
func TestReadmeAllowFields(t *testing.T) {
	data, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonFields(reflect.TypeFor[allowVerdict]())
	got := firstColumn(string(data), "## A scoped opt-out")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("README.md's checklinkname fields are %q\nthe code has %q", got, want)
	}
}
