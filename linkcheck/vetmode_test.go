package main

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// vetPackages are testdata/vet's packages, each as go vet names it: a
// package whose tests are in its own folder is checked as its test
// variant, "p [p.test]".
var vetPackages = map[string]string{
	"clean": "example.test/clean", "dep": "example.test/dep", "duplicate": "example.test/duplicate",
	"generic": "example.test/generic", "intest": "example.test/intest [example.test/intest.test]",
	"nobody": "example.test/nobody", "nounsafe": "example.test/nounsafe", "sig": "example.test/sig",
	"undeclared": "example.test/undeclared", "usage": "example.test/usage",
}

// inVetMode prepares the process to answer as the vet mode answers go vet
// in dir: vetPackage may set PATH and GOTOOLCHAIN, which the test puts
// back.
func inVetMode(t *testing.T, dir string) {
	t.Helper()
	for _, name := range []string{"PATH", "GOTOOLCHAIN"} {
		t.Setenv(name, os.Getenv(name))
	}
	t.Setenv("GOWORK", "off")
	t.Setenv("LINKCHECK_CACHE", testCache)
	chdir(t, dir)
}

// writeVetConfig writes the vet.cfg that go vet writes for the package
// in folder name of dir, with fields set on top, and returns its name.
func writeVetConfig(t *testing.T, dir, name string, fields map[string]any) string {
	t.Helper()
	pkgDir := filepath.Join(dir, name)
	files, err := filepath.Glob(filepath.Join(pkgDir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", pkgDir, err)
	}
	imports := map[string]string{}
	for _, file := range files {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			imports[path] = path
		}
	}
	tmp := t.TempDir()
	cfg := map[string]any{"ID": vetPackages[name], "ImportPath": vetPackages[name], "Dir": pkgDir,
		"GoFiles": files, "NonGoFiles": []string{}, "ModulePath": "example.test", "ImportMap": imports,
		"VetxOutput": filepath.Join(tmp, "vet.out"), "GoVersion": "go1.23"}
	for k, v := range fields {
		cfg[k] = v
	}
	data, _ := json.Marshal(cfg)
	file := filepath.Join(tmp, "vet.cfg")
	if err := os.WriteFile(file, data, 0o666); err != nil {
		t.Fatal(err)
	}
	return file
}

// vetInProcess runs the vet mode as main does, and returns what it
// prints and its exit status.
func vetInProcess(args ...string) (stdout, stderr string, status int) {
	var out, errOut strings.Builder
	status = exitCode(&errOut, runVet(args, &out, &errOut), 1)
	return out.String(), errOut.String(), status
}

// TestVetInProcess answers, inside the test's process, each vet.cfg that
// go vet writes for testdata/vet: together the diagnostics are vetWant,
// which TestVet holds to go vet itself; each package with one exits 1,
// the others 0 with nothing printed; the facts file is written for each.
func TestVetInProcess(t *testing.T) {
	dir := vetModule(t)
	inVetMode(t, dir)
	var all strings.Builder
	for _, name := range slices.Sorted(maps.Keys(vetPackages)) {
		cfg := writeVetConfig(t, dir, name, nil)
		stdout, stderr, status := vetInProcess(cfg)
		want := 0
		if strings.Contains(vetWant, "\n"+name+"/") || strings.HasPrefix(vetWant, name+"/") {
			want = 1
		}
		if status != want || stdout != "" {
			t.Errorf("%s: exit status %d, want %d; stdout %q; stderr:\n%s", name, status, want, stdout, stderr)
		}
		all.WriteString(strings.ReplaceAll(stderr, dir+string(filepath.Separator), ""))
		if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "vet.out")); err != nil {
			t.Errorf("%s: no facts file: %v", name, err)
		}
	}
	if got := sortedLines(all.String()); got != vetWant {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, vetWant)
	}
}

// With -json, the vet mode writes the tree of diagnostics to the file
// that vet.cfg's Stdout names, or to standard output, and exits 0; a
// Stdout it cannot write is an error.
func TestVetInProcessJSON(t *testing.T) {
	dir := vetModule(t)
	inVetMode(t, dir)
	decode := func(data string) map[string]map[string][]vetDiagnostic {
		t.Helper()
		var tree map[string]map[string][]vetDiagnostic
		if err := json.Unmarshal([]byte(data), &tree); err != nil {
			t.Fatalf("%v:\n%s", err, data)
		}
		return tree
	}
	stdout, stderr, status := vetInProcess("-json", writeVetConfig(t, dir, "sig", nil))
	tree := decode(stdout)
	if d := tree[vetPackages["sig"]]["linkcheck"]; status != 0 || stderr != "" || len(d) != 1 ||
		strings.TrimPrefix(d[0].Posn, dir+string(filepath.Separator))+": "+d[0].Message != vetLine(t, "sig/") || d[0].End != d[0].Posn {
		t.Errorf("exit status %d, want 0; stderr %q; tree %v", status, stderr, tree)
	}
	out := filepath.Join(t.TempDir(), "vet.json")
	stdout, stderr, status = vetInProcess("-json", writeVetConfig(t, dir, "clean", map[string]any{"Stdout": out}))
	data, err := os.ReadFile(out)
	if err != nil || status != 0 || stdout+stderr != "" || len(decode(string(data))) != 0 {
		t.Errorf("clean: exit status %d, want 0; printed %q; %s holds %q (%v), want an empty tree", status, stdout+stderr, out, data, err)
	}
	nowhere := filepath.Join(t.TempDir(), "missing", "vet.json")
	_, stderr, status = vetInProcess("-json", writeVetConfig(t, dir, "sig", map[string]any{"Stdout": nowhere}))
	if want := "linkcheck: open " + nowhere + ": no such file or directory\n"; status != 1 || stderr != want {
		t.Errorf("Stdout in a missing folder: exit status %d, want 1; stderr %q, want %q", status, stderr, want)
	}
}

// The vet mode's answers to what go vet asks first, and to vet.cfg files
// it cannot use: each error once, with exit status 1.
func TestVetInProcessErrors(t *testing.T) {
	dir := vetModule(t)
	inVetMode(t, dir)
	stdout, stderr, status := vetInProcess("-flags")
	var flags []struct {
		Name  string
		Bool  bool
		Usage string
	}
	if err := json.Unmarshal([]byte(stdout), &flags); err != nil || status != 0 || stderr != "" ||
		len(flags) != len(vetFlags) || flags[0].Name != "json" || !flags[0].Bool {
		t.Errorf("-flags: exit status %d; %v; stdout:\n%s", status, err, stdout)
	}
	stdout, stderr, status = vetInProcess("-V=full")
	if !regexp.MustCompile(`^linkcheck version devel buildID=[0-9a-f]{64}\n$`).MatchString(stdout) || status != 0 || stderr != "" {
		t.Errorf("-V=full: exit status %d; stdout %q; stderr %q", status, stdout, stderr)
	}
	tmp := t.TempDir()
	write := func(name, content string) string {
		file := filepath.Join(tmp, name)
		if err := os.WriteFile(file, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
		return file
	}
	missing := filepath.Join(tmp, "missing.cfg")
	notJSON := write("notjson.cfg", "{")
	noVetx := write("novetx.cfg", `{"ID": "example.test/clean"}`)
	unwritable := writeVetConfig(t, dir, "clean", map[string]any{"VetxOutput": filepath.Join(tmp, "missing", "vet.out")})
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-nosuch", notJSON}, "flag provided but not defined: -nosuch\n"},
		{[]string{missing}, "linkcheck: open " + missing + ": no such file or directory\n"},
		{[]string{notJSON}, "linkcheck: " + notJSON + ": unexpected end of JSON input\n"},
		{[]string{noVetx}, "linkcheck: " + noVetx + " names no VetxOutput: linkcheck reads a vet.cfg as go vet -vettool writes it\n"},
		{[]string{unwritable}, "linkcheck: open " + filepath.Join(tmp, "missing", "vet.out") + ": no such file or directory\n"},
	} {
		stdout, stderr, status := vetInProcess(c.args...)
		if c.args[0] == "-nosuch" {
			stderr, _, _ = strings.Cut(stderr, "Usage")
		}
		if status != 1 || stdout != "" || stderr != c.want {
			t.Errorf("%v: exit status %d, want 1; stdout %q; stderr %q, want %q", c.args, status, stdout, stderr, c.want)
		}
	}
	// A dependency's facts alone: the file, and nothing else.
	cfg := writeVetConfig(t, dir, "nounsafe", map[string]any{"VetxOnly": true})
	if stdout, stderr, status := vetInProcess(cfg); status != 0 || stdout+stderr != "" {
		t.Errorf("VetxOnly: exit status %d, want 0; printed %q", status, stdout+stderr)
	}
}

func TestVetHelpers(t *testing.T) {
	for id, want := range map[string]string{"p": "p", "p [p.test]": "p", "example.test/a/b [example.test/a/b.test]": "example.test/a/b"} {
		if got := packagePath(id); got != want {
			t.Errorf("packagePath(%q) = %q, want %q", id, got, want)
		}
	}
	dir := filepath.Join(string(filepath.Separator)+"m", "p")
	for file, want := range map[string]string{
		filepath.Join(dir, "a.go"):                         "a.go",
		filepath.Join(dir, "..", "cgo", "_cgo_gotypes.go"): filepath.Join("..", "cgo", "_cgo_gotypes.go"),
		"relative.go": "relative.go",
	} {
		if got := relativeTo(dir, file); got != want {
			t.Errorf("relativeTo(%q, %q) = %q, want %q", dir, file, got, want)
		}
	}
	for src, want := range map[string]struct {
		name     string
		bodyless bool
	}{
		"package p\n\nfunc f() {}\n":          {"p", false},
		"package p\n\nfunc f()\n":             {"p", true},
		"package p\n\nfunc (T) m()\n":         {"p", true},
		"package p\n\nvar f = func() {}\n":    {"p", false},
		"package p\n\nfunc f( {}\n":           {"p", true},
		"not go at all\n":                     {"", true},
		"package q\n\ntype T struct{}\n":      {"q", false},
		"package q\n\nfunc init() { go f() }": {"q", false},
	} {
		name, bodyless := scanFile(token.NewFileSet(), "x.go", []byte(src))
		if name != want.name || bodyless != want.bodyless {
			t.Errorf("scanFile(%q) = %q, %v; want %q, %v", src, name, bodyless, want.name, want.bodyless)
		}
	}
}
