package main

import (
	"bytes"
	"go/build/constraint"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestGoCompilerCases takes every case of the Go compiler's own tests
// ($GOROOT/test) that uses //go:linkname, found by reading them all now,
// builds each for real in a module of its own, and requires linkcheck to
// predict what the build does. A case is a file whose first line says how
// Go's test driver treats it (// run, // compile, // errorcheck, // rundir,
// ...); the ...dir kinds take their packages from the folder of the same
// name with .dir, one package per file or run of files with the same
// package clause, imported as test/FILE as the driver does. An
// errorcheck case fails to compile with the errors its ERROR comments
// give, line by line, unless its flags ask for the compiler's diagnostics
// (-m): linkcheck must name each, at its line, and no other failure. A
// toolchain from the module cache has no test folder: the cases are then
// those of the first Go on PATH that has one.
func TestGoCompilerCases(t *testing.T) {
	tc := toolchainOrFail(t)
	root := compilerTestRoot(t, tc)
	cases := linknameCompilerCases(t, root)
	if len(cases) == 0 {
		t.Fatalf("no case under %s uses //go:linkname", root)
	}
	var agree atomic.Int32
	t.Cleanup(func() {
		t.Logf("%s: %d cases under %s use //go:linkname; linkcheck agrees with the build on %d", tc.version, len(cases), root, agree.Load())
	})
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			runCompilerCase(t, tc, root, c)
			if !t.Failed() && !t.Skipped() {
				agree.Add(1)
			}
		})
	}
}

// compilerTestRoot returns the folder of Go's compiler tests: the running
// Go's, or else that of the first Go on PATH that has one.
func compilerTestRoot(t *testing.T, tc *toolchain) string {
	t.Helper()
	if isDir(filepath.Join(tc.goroot, "test", "fixedbugs")) {
		return filepath.Join(tc.goroot, "test")
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		goroot := filepath.Dir(dir)
		if filepath.Base(dir) == "bin" && isDir(filepath.Join(goroot, "test", "fixedbugs")) && isDir(filepath.Join(goroot, "src", "cmd", "compile")) {
			t.Logf("%s has no test folder: building the cases of %s with it", tc.goroot, goroot)
			return filepath.Join(goroot, "test")
		}
	}
	t.Skip("no Go on PATH has its test folder")
	return ""
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// linknameCompilerCases lists, relative to root, the cases whose files
// use //go:linkname: a file X.go, or the X.go that drives the folder
// X.dir a file lies in.
func linknameCompilerCases(t *testing.T, root string) []string {
	t.Helper()
	var cases []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".s") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(data, []byte("//go:linkname")) {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		driver := rel
		for i, part := range parts {
			if strings.HasSuffix(part, ".dir") {
				driver = strings.Join(append(slices.Clone(parts[:i]), strings.TrimSuffix(part, ".dir")+".go"), "/")
				break
			}
		}
		if !slices.Contains(cases, driver) {
			cases = append(cases, driver)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(cases)
	return cases
}

// diagnosticFlags ask the compiler for reports that ERROR comments match
// and that are not errors.
var diagnosticFlags = regexp.MustCompile(`^-(m|live|d=|S|json)`)

// compileOnly are the kinds of case that Go's test driver compiles but
// does not link.
var compileOnly = map[string]bool{"compile": true, "compiledir": true, "errorcheck": true, "errorcheckdir": true}

// linkStage matches the linker's failures in go build's output.
var linkStage = regexp.MustCompile(`(?m)^(link: |\S+: relocation target )`)

// runCompilerCase builds the case c of root in a module of its own and
// holds linkcheck's prediction to the build.
func runCompilerCase(t *testing.T, tc *toolchain, root, c string) {
	driver := filepath.Join(root, c)
	src, err := os.ReadFile(driver)
	if err != nil {
		t.Fatal(err)
	}
	kind, flags := driverHeader(string(src))
	if !buildsHere(tc, string(src)) {
		t.Skipf("its build constraint leaves it out on %s/%s", tc.goos, tc.goarch)
	}
	goVersion := "1.23"
	diagnostics := false
	for _, flag := range flags {
		if v, ok := strings.CutPrefix(flag, "-lang=go"); ok {
			goVersion = v
		}
		diagnostics = diagnostics || diagnosticFlags.MatchString(flag)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module test\n\ngo "+goVersion+"\n")
	pattern := "."
	switch kind {
	case "run", "compile", "build", "buildrun", "errorcheck":
		writeFile(t, filepath.Join(dir, filepath.Base(c)), string(src))
	case "rundir", "compiledir", "errorcheckdir", "errorcheckandrundir", "buildrundir", "builddir":
		pattern = writeDirCase(t, strings.TrimSuffix(driver, ".go")+".dir", dir, kind == "buildrundir" || kind == "builddir")
	default:
		t.Skipf("a kind of case this test does not build: // %s", kind)
	}
	errorComments := readErrorComments(t, dir)
	expectErrors := strings.HasPrefix(kind, "errorcheck") && !diagnostics && len(errorComments) > 0
	exe := filepath.Join(t.TempDir(), "exe")
	if pattern == "./..." || pattern == "." && packageClause(string(src)) != "main" && kind != "buildrundir" {
		exe = "" // libraries only
	}
	if !expectErrors {
		// Go's driver only compiles some kinds: such a case may fail
		// at the link, which go build reaches (an invalid reference to
		// a standard-library symbol, say), never in the compiler.
		_, links, out := buildAndPredictWith(t, tc, dir, pattern, exe)
		switch {
		case links:
		case compileOnly[kind] && linkStage.MatchString(out):
			t.Logf("// %s: compiles, and the link fails as linkcheck predicts:\n%s", kind, out)
		default:
			t.Errorf("// %s: go build fails:\n%s", kind, out)
		}
		return
	}
	cmd := exec.Command("go", "build", pattern)
	cmd.Env, cmd.Dir = append(slices.Clone(tc.env), "GOWORK=off"), dir
	out, buildErr := cmd.CombinedOutput()
	if buildErr == nil {
		t.Fatalf("// %s: go build links, its ERROR comments say it does not", kind)
	}
	prog, err := load(tc, dir, []string{pattern}, "")
	if err != nil {
		t.Fatal(err)
	}
	var failures []string // base:line text
	for _, f := range analyze(prog, options{}) {
		if f.Link == linkFails {
			file, line, _ := strings.Cut(f.Pos, ":")
			failures = append(failures, filepath.Base(file)+":"+line+" "+f.Fails)
		}
	}
	matched := make([]bool, len(failures))
	for _, e := range errorComments {
		// The build's own words, at that line.
		if !regexp.MustCompile(regexp.QuoteMeta(e.file+":"+strconv.Itoa(e.line)+":") + `(\d+:)? .*` + e.re.String()).Match(out) {
			t.Errorf("%s:%d: go build does not say %q:\n%s", e.file, e.line, e.re, out)
		}
		found := false
		for i, f := range failures {
			at, text, _ := strings.Cut(f, " ")
			if !matched[i] && at == e.file+":"+strconv.Itoa(e.line) && e.re.MatchString(text) {
				matched[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s:%d: linkcheck does not predict %q; it predicts %q", e.file, e.line, e.re, failures)
		}
	}
	for i, f := range failures {
		if !matched[i] {
			t.Errorf("linkcheck predicts %q, which no ERROR comment gives", f)
		}
	}
}

// driverHeader reads the kind and flags from a case's first line, such
// as "// errorcheck -0 -lang=go1.17".
func driverHeader(src string) (kind string, flags []string) {
	first, _, _ := strings.Cut(src, "\n")
	fields := strings.Fields(strings.TrimPrefix(first, "//"))
	if len(fields) == 0 {
		return "", nil
	}
	return fields[0], fields[1:]
}

// buildsHere evaluates the //go:build line of a case's header for the
// toolchain's platform; tags of the test driver's own (gcflags_noopt) are
// false.
func buildsHere(tc *toolchain, src string) bool {
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "package ") {
			break
		}
		if expr, err := constraint.Parse(line); err == nil {
			return expr.Eval(func(tag string) bool {
				return tag == tc.goos || tag == tc.goarch || tag == "gc" || tag == "cgo" && tc.cgo
			})
		}
	}
	return true
}

// writeDirCase copies the packages of the folder from into the module at
// dir, as Go's test driver compiles them: a run of files with the same
// package clause is one package, test/FIRSTFILE ("main" for a command),
// and "./x" imports test/x. With whole, the folder is one package. It
// returns the pattern to build: the command, or every package.
func writeDirCase(t *testing.T, from, dir string, whole bool) string {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	localImport := regexp.MustCompile(`"\./([^"]+)"`)
	folder, lastPkg, command := "", "", ""
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		src := string(data)
		if whole {
			writeFile(t, filepath.Join(dir, e.Name()), src)
			continue
		}
		if !strings.HasSuffix(e.Name(), ".go") {
			t.Skipf("%s: a non-Go file in a folder of packages", e.Name())
		}
		pkgName := packageClause(src)
		if pkgName != lastPkg {
			folder, lastPkg = strings.TrimSuffix(e.Name(), ".go"), pkgName
			if pkgName == "main" {
				folder, command = "main", "./main"
			}
		}
		writeFile(t, filepath.Join(dir, folder, e.Name()), localImport.ReplaceAllString(src, `"test/$1"`))
	}
	switch {
	case whole:
		return "."
	case command != "":
		return command
	}
	return "./..."
}

// packageClause returns the name a Go file's package clause gives.
func packageClause(src string) string {
	for _, line := range strings.Split(src, "\n") {
		if name, ok := strings.CutPrefix(line, "package "); ok {
			return strings.TrimSpace(name)
		}
	}
	return ""
}

// An errorComment is one error that a // ERROR comment expects.
type errorComment struct {
	file string // base name
	line int
	re   *regexp.Regexp
}

// errorCommentRE matches an ERROR comment and its quoted regexps.
var (
	errorCommentRE = regexp.MustCompile(`// ERROR (.*)`)
	quotedRE       = regexp.MustCompile(`"([^"]*)"`) // as Go's test driver reads them
)

// readErrorComments reads the ERROR comments of the Go files under dir:
// each expects errors at the line it is on (a //line directive may make
// the compiler report a later line as that one), matching its quoted
// regexps.
func readErrorComments(t *testing.T, dir string) []errorComment {
	t.Helper()
	var comments []errorComment
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			m := errorCommentRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			for _, q := range quotedRE.FindAllStringSubmatch(m[1], -1) {
				re, err := regexp.Compile(q[1])
				if err != nil {
					t.Fatalf("%s:%d: %v", path, i+1, err)
				}
				comments = append(comments, errorComment{file: filepath.Base(path), line: i + 1, re: re})
			}
		}
		return nil
	})
	return comments
}
