package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// vetWant is what go vet -vettool=linkcheck ./... prints for the module in
// testdata/vet, sorted: go vet checks packages side by side.
const vetWant = `duplicate/duplicate.go:7:1: duplicate //go:linkname for nanotime: one directive per name (duplicate_directive)
generic/generic.go:10:1: //go:linkname reference of an instantiation is not allowed: the symbols of a generic function's instances are the compiler's business (instantiation)
intest/intest_test.go:8:1: //go:linkname only allowed in Go files that import "unsafe": this file does not import it (no_unsafe_import)
nobody/nobody.go:5:1: missing function body: no .s file in the package, no //go:linkname on it (missing_body)
nounsafe/nounsafe.go:4:1: //go:linkname only allowed in Go files that import "unsafe": this file does not import it (no_unsafe_import)
sig/sig.go:11:1: add -> example.test/dep.add: UNSAFE signature, can corrupt memory: param 1: string (int registers 0-1: int pointer, int 8 bytes) vs int (int register 0: int 8 bytes); 1 params vs 2
undeclared/undeclared.go:6:1: //go:linkname must refer to declared function or variable: no func or var named nanotme in example.test/undeclared (not_declared)
undeclared/undeclared.go:7:1: missing function body: no .s file in the package, no //go:linkname on it (missing_body)
usage/usage.go:6:1: usage: //go:linkname localname [linkname]: one or two names after the directive (usage)
`

// compilerSays reads, for each package of testdata/vet that the compiler
// refuses with its tests, the words go test -c prints: the quoted text of
// a comment "// compiler: TEXT" on one of its lines, as p.go's "// want"
// comments are read; the packages without one compile.
func compilerSays(t *testing.T) map[string]string {
	t.Helper()
	says := map[string]string{}
	paths, err := filepath.Glob(filepath.Join("testdata", "vet", "*", "*.go"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/vet/*/*.go: %v", err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			_, quoted, ok := strings.Cut(line, " // compiler: ")
			if !ok {
				continue
			}
			text, err := strconv.Unquote(quoted)
			name := filepath.Base(filepath.Dir(path))
			if err != nil || says[name] != "" {
				t.Fatalf("%s:%d: %q: want one // compiler: \"TEXT\" in the package", path, i+1, line)
			}
			says[name] = text
		}
	}
	return says
}

// TestVet runs go vet -vettool=linkcheck on testdata/vet with each Go
// at hand, linkcheck built by each: the diagnostics and the exit status
// must be the same whichever Go builds linkcheck or runs vet. Each package
// that vet finds the compiler refusing must be one that go test -c (the
// package with its tests) refuses, in the same words.
func TestVet(t *testing.T) {
	versions := []string{"local"}
	if other := "go1.27.3"; toolchainOrFail(t).version != other && !fetching(localGoEnv(t), other) {
		versions = append(versions, other)
	}
	tools := map[string]string{}
	for _, v := range versions {
		tools[v] = buildLinkcheck(t, v)
	}
	dir := vetModule(t)
	for _, builtBy := range versions {
		for _, vetBy := range versions {
			t.Run("built by "+builtBy+", vet of "+vetBy, func(t *testing.T) {
				stdout, stderr, code := goVet(t, dir, vetBy, "-vettool="+tools[builtBy], "./...")
				if got := sortedLines(stderr); code != 1 || stdout != "" || got != vetWant {
					t.Errorf("exit status %d, want 1; stdout %q; diagnostics:\n%s\nwant:\n%s", code, stdout, got, vetWant)
				}
				// The packages without a diagnostic pass.
				if stdout, stderr, code := goVet(t, dir, vetBy, "-vettool="+tools[builtBy], "./clean", "./dep"); code != 0 || stdout+stderr != "" {
					t.Errorf("go vet ./clean ./dep: exit status %d, want 0:\n%s%s", code, stdout, stderr)
				}
			})
		}
	}
	refusedBy := compilerSays(t)
	for _, v := range versions {
		t.Run("go test -c with "+v, func(t *testing.T) {
			for _, name := range slices.Sorted(maps.Keys(vetPackages)) {
				cmd := exec.Command("go", "test", "-c", "-o", os.DevNull, "./"+name)
				cmd.Dir, cmd.Env = dir, vetEnv(v)
				out, err := cmd.CombinedOutput()
				want, refused := refusedBy[name]
				switch {
				case refused && err == nil:
					t.Errorf("%s: go test -c compiles it; linkcheck predicts %q", name, want)
				case refused && !bytes.Contains(out, []byte(want)):
					t.Errorf("%s: go test -c says:\n%s\nlinkcheck predicts %q", name, out, want)
				case !refused && err != nil:
					t.Errorf("%s: go test -c fails:\n%s", name, out)
				}
				says := slices.ContainsFunc(strings.Split(vetWant, "\n"), func(line string) bool {
					return strings.HasPrefix(line, name+"/") && !strings.Contains(line, "UNSAFE signature")
				})
				if refused != says {
					t.Errorf("%s: the compiler refuses it: %v; vet's diagnostics say otherwise", name, refused)
				}
			}
		})
	}
}

// TestVetJSON checks go vet -json: the tree of diagnostics on standard
// output, by package ID, and exit status 0.
func TestVetJSON(t *testing.T) {
	dir := vetModule(t)
	stdout, stderr, code := goVet(t, dir, "local", "-vettool="+buildLinkcheck(t, "local"), "-json", "./sig", "./intest", "./clean")
	if code != 0 || stderr != "" {
		t.Fatalf("exit status %d, want 0:\n%s", code, stderr)
	}
	// go vet prints each package's tree as linkcheck wrote it.
	var got []string
	dec := json.NewDecoder(strings.NewReader(stdout))
	for dec.More() {
		var tree map[string]map[string][]vetDiagnostic
		if err := dec.Decode(&tree); err != nil {
			t.Fatalf("%v:\n%s", err, stdout)
		}
		for id, byTool := range tree {
			for _, d := range byTool["linkcheck"] {
				got = append(got, id+": "+strings.TrimPrefix(d.Posn, dir+string(filepath.Separator))+": "+d.Message)
			}
		}
	}
	slices.Sort(got)
	want := []string{"example.test/intest: " + vetLine(t, "intest/"), "example.test/sig: " + vetLine(t, "sig/")}
	if !slices.Equal(got, want) {
		t.Errorf("go vet -json:\n%q\nwant:\n%q", got, want)
	}
}

// TestVetConfig runs linkcheck on vet.cfg files written here, as go vet
// writes them for go1.26 (ModulePath) and go1.27 (Module): text on
// standard error and exit status 1; for a dependency (VetxOnly), nothing
// at all; for a file that does not parse, the parser's error. The facts
// file is written in every case.
func TestVetConfig(t *testing.T) {
	exe := buildLinkcheck(t, "local")
	dir := vetModule(t)
	nounsafe := filepath.Join(dir, "nounsafe", "nounsafe.go")
	broken := filepath.Join(dir, "broken.go")
	if err := os.WriteFile(broken, []byte("package broken\n\nfunc f( {}\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, fields, file, want string
		code                     int
	}{
		{"go1.26", `"ModulePath": "example.test", "ModuleVersion": ""`, nounsafe, dir + "/" + vetLine(t, "nounsafe/") + "\n", 1},
		{"go1.27", `"Module": {"Path": "example.test", "Main": true, "Dir": "` + dir + `"}`, nounsafe, dir + "/" + vetLine(t, "nounsafe/") + "\n", 1},
		{"dependency", `"ModulePath": "example.test", "VetxOnly": true`, nounsafe, "", 0},
		{"syntax error", `"ModulePath": "example.test"`, broken, "linkcheck: " + broken + ":3:9: expected ')', found '{'\n", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			cfg := `{"ID": "example.test/p", "ImportPath": "example.test/p", "Dir": "` + filepath.Dir(c.file) + `",
	"GoFiles": ["` + c.file + `"], "NonGoFiles": [], ` + c.fields + `,
	"ImportMap": {"unsafe": "unsafe"}, "VetxOutput": "` + filepath.Join(tmp, "vet.out") + `", "GoVersion": "go1.23"}`
			file := filepath.Join(tmp, "vet.cfg")
			if err := os.WriteFile(file, []byte(cfg), 0o666); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(exe, file)
			cmd.Dir, cmd.Env = dir, vetEnv("local")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code || stderr.String() != c.want || stdout.Len() > 0 {
				t.Errorf("exit status %d, want %d; stdout %q; stderr:\n%s\nwant:\n%s", code, c.code, stdout.String(), stderr.String(), c.want)
			}
			if _, err := os.Stat(filepath.Join(tmp, "vet.out")); err != nil {
				t.Errorf("no facts file: %v", err)
			}
		})
	}
}

// TestVetWithoutGoOnPath runs go vet by its full name with no go on
// PATH: linkcheck runs the go command of the Go that runs vet.
func TestVetWithoutGoOnPath(t *testing.T) {
	exe, dir := buildLinkcheck(t, "local"), vetModule(t)
	var path []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(d, "go")); err != nil {
			path = append(path, d)
		}
	}
	cmd := exec.Command(filepath.Join(toolchainOrFail(t).goroot, "bin", "go"), "vet", "-vettool="+exe, "./nounsafe")
	cmd.Dir, cmd.Env = dir, append(vetEnv("local"), "PATH="+strings.Join(path, string(filepath.ListSeparator)))
	out, err := cmd.CombinedOutput()
	if want := vetLine(t, "nounsafe/") + "\n"; err == nil || string(out) != want {
		t.Errorf("go vet: %v\n%s\nwant exit status 1 and\n%s", err, out, want)
	}
}

// TestVetTags shows what README.md says of build tags: go vet -tags does
// not reach the dependencies that linkcheck lists, GOFLAGS does. Each
// run has a module of its own: go vet keeps a package's answer by its
// files and flags, which are the same for both.
func TestVetTags(t *testing.T) {
	files := map[string]string{
		"dep/plain.go":   "//go:build !special\n\npackage dep\n\nfunc add(a, b int) int { return a + b }\n",
		"dep/special.go": "//go:build special\n\npackage dep\n\nfunc add(s string) int { return len(s) }\n",
		"p/p.go": "package p\n\nimport (\n\t_ \"unsafe\"\n\n\t_ \"example.test/dep\"\n)\n\n" +
			"//go:linkname add example.test/dep.add\nfunc add(s string) int\n\nfunc Length(s string) int { return add(s) }\n",
	}
	exe := buildLinkcheck(t, "local")
	if _, stderr, code := goVet(t, writeModule(t, files), "local", "-tags=special", "-vettool="+exe, "./p"); code != 1 || !strings.Contains(stderr, "UNSAFE signature") {
		t.Errorf("go vet -tags=special: exit status %d, want 1 and the signature of dep/plain.go's add:\n%s", code, stderr)
	}
	t.Setenv("GOFLAGS", strings.TrimSpace(os.Getenv("GOFLAGS")+" -tags=special"))
	if stdout, stderr, code := goVet(t, writeModule(t, files), "local", "-vettool="+exe, "./p"); code != 0 || stdout+stderr != "" {
		t.Errorf("GOFLAGS=-tags=special go vet: exit status %d, want 0:\n%s%s", code, stdout, stderr)
	}
}

// TestVetCgo checks a cgo package: go vet hands over the files cmd/cgo
// writes, and the diagnostics are for the package's own lines.
func TestVetCgo(t *testing.T) {
	if !toolchainOrFail(t).cgo {
		t.Skip("cgo is off")
	}
	dir := writeModule(t, map[string]string{
		"dep/dep.go": "package dep\n\nfunc add(a, b int) int { return a + b }\n",
		"p/p.go": "package p\n\n// static int one(void) { return 1; }\nimport \"C\"\n\nimport (\n\t_ \"unsafe\"\n\n\t_ \"example.test/dep\"\n)\n\n" +
			"//go:linkname add example.test/dep.add\nfunc add(s string) int\n\nfunc One() int { return int(C.one()) + add(\"\") }\n",
	})
	_, stderr, code := goVet(t, dir, "local", "-vettool="+buildLinkcheck(t, "local"), "./...")
	want := "p/p.go:12:1: add -> example.test/dep.add: UNSAFE signature, can corrupt memory: " + strings.SplitN(vetLine(t, "sig/"), "can corrupt memory: ", 2)[1] + "\n"
	if code != 1 || stderr != want {
		t.Errorf("exit status %d, want 1; diagnostics:\n%s\nwant:\n%s", code, stderr, want)
	}
}

// TestVetTranscript checks README.md's go vet transcript against a real
// run on testdata/vet; -update rewrites it. With -p 1, go vet checks the
// packages one at a time, in the same order each time.
func TestVetTranscript(t *testing.T) {
	const begin, end = "<!-- go vet transcript: go test -run TestVetTranscript -update rewrites it -->\n", "<!-- end of the go vet transcript -->\n"
	dir := vetModule(t)
	stdout, stderr, code := goVet(t, dir, "local", "-p=1", "-vettool="+buildLinkcheck(t, "local"), "./...")
	var b strings.Builder
	b.WriteString("```console\n$ go vet -p=1 -vettool=$(command -v linkcheck) ./...\n" + stdout + stderr)
	if code != 0 {
		b.WriteString("$ echo $?\n" + string(rune('0'+code)) + "\n")
	}
	b.WriteString("```\n")
	checkReadmeBlock(t, begin, end, b.String())
}

// TestVetHelp checks that linkcheck -h tells of the vet mode and what it
// leaves to the plain command.
func TestVetHelp(t *testing.T) {
	out, _ := exec.Command(buildLinkcheck(t, "local"), "-h").CombinedOutput()
	if !strings.Contains(string(out), vetUsage) || !strings.Contains(vetUsage, "go vet -vettool=") || !strings.Contains(vetUsage, "plain command") {
		t.Errorf("linkcheck -h:\n%s\nwant it to hold:\n%s", out, vetUsage)
	}
}

// TestIsVetInvocation checks which command lines are go vet's.
func TestIsVetInvocation(t *testing.T) {
	for args, want := range map[string]bool{"-V=full": true, "-flags": true, "/tmp/b001/vet.cfg": true, "-json /tmp/b001/vet.cfg": true,
		"./...": false, "-json ./...": false, "": false, "x.cfg ./...": false} {
		if got := isVetInvocation(strings.Fields(args)); got != want {
			t.Errorf("isVetInvocation(%q) = %v, want %v", args, got, want)
		}
	}
}

// vetEnv is the environment of a go command of version ("local": the
// Go that runs the tests) on a module in a temporary folder, with
// linkcheck's cache in the tests' own.
func vetEnv(version string) []string {
	env := append(os.Environ(), "GOWORK=off", "LINKCHECK_CACHE="+testCache)
	if version != "local" {
		env = append(env, "GOTOOLCHAIN="+version)
	}
	return env
}

func localGoEnv(t *testing.T) map[string]string {
	t.Helper()
	local, err := goEnv(append(os.Environ(), "GOTOOLCHAIN=local"), "GOVERSION", "GOMODCACHE", "GOHOSTOS", "GOHOSTARCH")
	if err != nil {
		t.Fatal(err)
	}
	return local
}

// buildLinkcheck builds linkcheck with the Go of version into a
// temporary folder and returns the executable.
func buildLinkcheck(t *testing.T, version string) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "linkcheck")
	cmd := exec.Command("go", "build", "-o", exe, ".")
	cmd.Env = vetEnv(version)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build linkcheck with %s: %v\n%s", version, err, out)
	}
	return exe
}

// vetModule copies testdata/vet into a temporary folder.
func vetModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "vet"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// goVet runs go vet with the Go of version in dir.
func goVet(t *testing.T, dir, version string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"vet"}, args...)...)
	cmd.Dir, cmd.Env = dir, vetEnv(version)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// vetLine is the line of vetWant that starts with prefix.
func vetLine(t *testing.T, prefix string) string {
	for _, line := range strings.Split(vetWant, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	t.Fatalf("vetWant has no line for %s", prefix)
	return ""
}

func sortedLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	slices.Sort(lines)
	return strings.Join(lines, "")
}
