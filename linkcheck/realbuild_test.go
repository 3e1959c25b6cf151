package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The cases where linkcheck once disagreed with the toolchain, and their
// neighbours, are programs in testdata/*.txtar, each built for real by
// TestRealBuilds. A file is a comment, then sections that each start with
// a line "-- name --":
//
//   - want: what the toolchain did here, one line each: "go1.26 links",
//     "go1.27 fails" or "go1.27 fails: text" (the build's output holds the
//     text), "risk memory" (what linkcheck must say the signatures risk;
//     none when absent), "nm symbol size" (go tool nm -size gives the
//     linked symbol that size), "run text" (the program, run, prints a
//     line that holds the text);
//   - go.mod: the module's, when not "module example.test", go 1.23;
//   - mod/MODULE@VERSION/path: a file of a dependency, served by a module
//     proxy on disk into a module cache of the case's own, where
//     linkcheck reads it through its cache, as it reads a published
//     module;
//   - any other: a file of the module.

// A txtarFile is one section of a txtar file.
type txtarFile struct {
	name string
	data string
}

// parseTxtar splits a txtar file into its comment and its sections.
func parseTxtar(data string) (comment string, files []txtarFile) {
	lines := strings.SplitAfter(data, "\n")
	var current *txtarFile
	var text strings.Builder
	flush := func() {
		if current == nil {
			comment = text.String()
		} else {
			current.data = text.String()
			files = append(files, *current)
		}
		text.Reset()
	}
	for _, line := range lines {
		trimmed := strings.TrimRight(line, "\r\n")
		if name, ok := strings.CutPrefix(trimmed, "-- "); ok && strings.HasSuffix(name, " --") && len(name) > 3 {
			flush()
			current = &txtarFile{name: strings.TrimSpace(strings.TrimSuffix(name, " --"))}
			continue
		}
		text.WriteString(line)
	}
	flush()
	return comment, files
}

// A realCase is one program of testdata.
type realCase struct {
	name    string
	files   map[string]string            // path in the module -> contents
	modules map[string]map[string]string // module@version -> path -> contents
	builds  map[string]wantBuild         // Go minor version -> what go build did
	risk    string
	nm      map[string]int64 // symbol -> size in the linked program
	run     []string         // what the program prints when it runs
}

// wantBuild is what go build did on one Go version.
type wantBuild struct {
	links bool
	text  string // in the build's output, when it fails
}

// readRealCases reads testdata/*.txtar.
func readRealCases(t *testing.T) []realCase {
	t.Helper()
	return readTxtarCases(t, "testdata", parseRealCase)
}

// readTxtarCases reads each dir/*.txtar as one case, named after its
// file, with parse.
func readTxtarCases[C any](t *testing.T, dir string, parse func(name, data string) (C, error)) []C {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no %s/*.txtar: %v", dir, err)
	}
	var cases []C
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := parse(strings.TrimSuffix(filepath.Base(path), ".txtar"), string(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		cases = append(cases, c)
	}
	return cases
}

func parseRealCase(name, data string) (realCase, error) {
	c := realCase{name: name, files: map[string]string{}, modules: map[string]map[string]string{},
		builds: map[string]wantBuild{}, nm: map[string]int64{}}
	_, files := parseTxtar(data)
	sawWant := false
	for _, f := range files {
		switch {
		case f.name == "want":
			sawWant = true
			for _, line := range strings.Split(strings.TrimSpace(f.data), "\n") {
				if err := c.want(strings.TrimSpace(line)); err != nil {
					return c, err
				}
			}
		case strings.HasPrefix(f.name, "mod/"):
			rest := strings.TrimPrefix(f.name, "mod/")
			at := strings.Index(rest, "@")
			slash := strings.Index(rest[at+1:], "/")
			if at < 0 || slash < 0 {
				return c, fmt.Errorf("%s: want mod/MODULE@VERSION/path", f.name)
			}
			modVersion, file := rest[:at+1+slash], rest[at+1+slash+1:]
			if c.modules[modVersion] == nil {
				c.modules[modVersion] = map[string]string{}
			}
			c.modules[modVersion][file] = f.data
		default:
			c.files[f.name] = f.data
		}
	}
	if !sawWant || len(c.builds) == 0 {
		return c, fmt.Errorf("no want section with a Go version's result")
	}
	return c, nil
}

// want reads one line of a want section.
func (c *realCase) want(line string) error {
	word, rest, _ := strings.Cut(line, " ")
	switch {
	case strings.HasPrefix(word, "go1."):
		result, text, _ := strings.Cut(rest, ": ")
		if result != "links" && result != "fails" || result == "links" && text != "" {
			return fmt.Errorf("%q: want goX.Y links, goX.Y fails or goX.Y fails: text", line)
		}
		c.builds[word] = wantBuild{links: result == "links", text: text}
	case word == "risk":
		c.risk = rest
	case word == "run" && rest != "":
		c.run = append(c.run, rest)
	case word == "nm":
		sym, size, _ := strings.Cut(rest, " ")
		n, err := strconv.ParseInt(size, 10, 64)
		if err != nil {
			return fmt.Errorf("%q: want nm symbol size", line)
		}
		c.nm[sym] = n
	default:
		return fmt.Errorf("%q: unknown want line", line)
	}
	return nil
}

// writeCase writes the case's module, and the module proxy and module
// cache its dependencies need, and returns the module's folder and the
// toolchain to check it with: the test's own, or one whose go commands
// fetch from that proxy into that cache, with a skeleton cache of its
// own.
func writeCase(t *testing.T, c realCase) (string, *toolchain) {
	t.Helper()
	files := c.files
	if _, ok := files["go.mod"]; !ok {
		files = map[string]string{"go.mod": "module example.test\n\ngo 1.23\n"}
		for k, v := range c.files {
			files[k] = v
		}
	}
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	if len(c.modules) == 0 {
		return dir, toolchainOrFail(t)
	}
	env := proxyEnv(t, writeProxy(t, c.modules))
	tc, err := newToolchain("", env)
	if err != nil {
		t.Fatal(err)
	}
	tc.cacheDir = t.TempDir()
	return dir, tc
}

// writeProxy writes a module proxy to a folder, as GOPROXY=file://
// reads one: for each module@version of modules, its files (go.mod
// "module PATH" when they have none) zipped, with its .info and .mod, and
// the module's list of versions.
func writeProxy(t *testing.T, modules map[string]map[string]string) string {
	t.Helper()
	proxy := t.TempDir()
	versions := map[string][]string{}
	for _, modVersion := range slices.Sorted(maps.Keys(modules)) {
		modFiles := modules[modVersion]
		mod, version, _ := strings.Cut(modVersion, "@")
		at := filepath.Join(proxy, mod, "@v")
		goMod := modFiles["go.mod"]
		if goMod == "" {
			goMod = "module " + mod + "\n"
		}
		var zipped bytes.Buffer
		zw := zip.NewWriter(&zipped)
		for _, name := range slices.Sorted(maps.Keys(modFiles)) {
			w, err := zw.Create(modVersion + "/" + name)
			if err == nil {
				_, err = w.Write([]byte(modFiles[name]))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		versions[mod] = append(versions[mod], version)
		writeFile(t, filepath.Join(at, "list"), strings.Join(versions[mod], "\n")+"\n")
		writeFile(t, filepath.Join(at, version+".info"), `{"Version":"`+version+`"}`)
		writeFile(t, filepath.Join(at, version+".mod"), goMod)
		writeFile(t, filepath.Join(at, version+".zip"), zipped.String())
	}
	return proxy
}

// proxyEnv is the environment of go commands that fetch from the proxy
// folder alone, into a module cache of the test's own, outside any
// workspace, with no checksum database.
func proxyEnv(t *testing.T, proxy string) []string {
	return append(os.Environ(), "GOWORK=off", "GOPROXY=file://"+filepath.ToSlash(proxy), "GOSUMDB=off",
		"GOMODCACHE="+t.TempDir(), "GOFLAGS=-mod=mod -modcacherw")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
		t.Fatal(err)
	}
}

// TestRealBuilds builds each case of testdata for real and requires
// linkcheck's prediction to match, and the result to be the one recorded
// for this Go. A case with dependencies is checked twice: once as read
// from their sources, once as read from linkcheck's cache.
func TestRealBuilds(t *testing.T) {
	minor := minorVersion(toolchainOrFail(t).version)
	for _, c := range readRealCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if strings.Contains(c.files["main.go"], `import "C"`) && !toolchainOrFail(t).cgo {
				t.Skip("cgo is off")
			}
			dir, tc := writeCase(t, c)
			exe := filepath.Join(t.TempDir(), "exe")
			findings, links, out := buildAndPredictWith(t, tc, dir, ".", exe)
			want, recorded := c.builds[minor]
			switch {
			case !recorded:
				t.Logf("no result recorded for %s", minor)
			case links != want.links:
				t.Errorf("go build links: %v, recorded for %s: %v\n%s", links, minor, want.links, out)
			case !links && !strings.Contains(out, want.text):
				t.Errorf("go build says:\n%s\nrecorded for %s: %q", out, minor, want.text)
			}
			risk := ""
			for _, f := range findings {
				risk = worse(risk, f.Risk)
			}
			if risk != c.risk {
				t.Errorf("signature risk %q, want %q:\n%s", risk, c.risk, report(tc, findings, true))
			}
			wantStatus := 0
			if !links || risk != "" {
				wantStatus = 1
			}
			if got := exitStatus(findings); got != wantStatus {
				t.Errorf("exit status %d, want %d", got, wantStatus)
			}
			if links {
				checkSizes(t, exe, c.nm)
				checkRun(t, exe, c.run)
			} else if len(c.nm) > 0 || len(c.run) > 0 {
				t.Error("nm or run lines for a program that does not link")
			}
			if len(c.modules) > 0 {
				// The dependencies again, from the skeletons just written.
				tc.writing.Wait()
				again, _, _ := buildAndPredictWith(t, tc, dir, ".", exe)
				if a, b := report(tc, findings, true), report(tc, again, true); a != b {
					t.Errorf("from the sources:\n%s\nfrom the cache:\n%s", a, b)
				}
			}
		})
	}
}

// checkRun runs the program exe and requires its output to hold each
// text. A program may exit with an error: what it prints counts.
func checkRun(t *testing.T, exe string, texts []string) {
	t.Helper()
	if len(texts) == 0 {
		return
	}
	out, err := exec.Command(exe).CombinedOutput()
	for _, text := range texts {
		if !strings.Contains(string(out), text) {
			t.Errorf("the program (%v) prints:\n%s\nwant a line with %q", err, out, text)
		}
	}
}

// checkSizes requires go tool nm -size to give each symbol its size in
// the program exe.
func checkSizes(t *testing.T, exe string, sizes map[string]int64) {
	t.Helper()
	if len(sizes) == 0 {
		return
	}
	out, err := exec.Command("go", "tool", "nm", "-size", exe).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	got := map[string]int64{}
	for _, line := range strings.Split(string(out), "\n") {
		// address size type name
		if fields := strings.Fields(line); len(fields) == 4 {
			if n, err := strconv.ParseInt(fields[1], 10, 64); err == nil {
				got[fields[3]] = n
			}
		}
	}
	for sym, size := range sizes {
		if got[sym] != size {
			t.Errorf("go tool nm -size: %s is %d bytes, want %d", sym, got[sym], size)
		}
	}
}

// TestGoFlag checks that -go go1.27.3 predicts, for each case of
// testdata, what linkcheck predicts when GOTOOLCHAIN=go1.27.3 runs it. It
// needs that toolchain in the module cache already: make test does not
// fetch. Cases with dependencies of their own are left out: their module
// cache holds no toolchain.
func TestGoFlag(t *testing.T) {
	const version = "go1.27.3"
	skipWithout(t, version)
	// Temporary modules: a go.work above them must not count.
	env := append(os.Environ(), "GOWORK=off")
	withFlag, err := newToolchain(version, env)
	if err != nil {
		t.Fatal(err)
	}
	withEnv, err := newToolchain("", append(env, "GOTOOLCHAIN="+version))
	if err != nil {
		t.Fatal(err)
	}
	if withFlag.version != version || withEnv.version != version {
		t.Fatalf("-go %s runs %s, GOTOOLCHAIN=%s runs %s", version, withFlag.version, version, withEnv.version)
	}
	withFlag.cacheDir, withEnv.cacheDir = testCache, testCache
	t.Cleanup(withFlag.writing.Wait)
	t.Cleanup(withEnv.writing.Wait)
	for _, c := range readRealCases(t) {
		if len(c.modules) > 0 {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir, _ := writeCase(t, c)
			var got [2]string
			for i, tc := range []*toolchain{withFlag, withEnv} {
				prog, err := load(tc, dir, []string{"."}, "")
				if err != nil {
					t.Fatal(err)
				}
				got[i] = report(tc, analyze(prog, options{}), true)
			}
			if got[0] != got[1] {
				t.Errorf("with -go %s:\n%s\nwith GOTOOLCHAIN=%s:\n%s", version, got[0], version, got[1])
			}
		})
	}
}

// TestParseTxtar checks the reader on a comment, sections, and a marker
// line that is not one.
func TestParseTxtar(t *testing.T) {
	comment, files := parseTxtar("note\n-- a.go --\npackage a\n-- b --\n--not a marker--\n-- c --")
	want := []txtarFile{{"a.go", "package a\n"}, {"b", "--not a marker--\n"}, {"c", ""}}
	if comment != "note\n" || !slices.Equal(files, want) {
		t.Errorf("parseTxtar: %q %q, want %q %q", comment, files, "note\n", want)
	}
}

// TestUpgradeCompileError checks -upgrade between go1.26.8 and go1.27.3 on
// a program whose package compiles only with go1.27.3: the upgrade reports
// the compiler's stop as gone, and the downgrade reports it as a break.
func TestUpgradeCompileError(t *testing.T) {
	skipWithout(t, "go1.26.8")
	skipWithout(t, "go1.27.3")
	env := append(os.Environ(), "GOWORK=off")
	var tcs [2]*toolchain
	var findings [2][]finding
	dir := writeModule(t, map[string]string{
		"main.go":        "package main\n\nimport \"example.test/dep\"\n\nfunc main() { println(dep.Run()) }\n",
		"dep/dep.go":     "package dep\n\nfunc Run() int { return hook() }\n",
		"dep/hook127.go": "//go:build go1.27\n\npackage dep\n\nfunc hook() int { return 27 }\n",
	})
	for i, v := range []string{"go1.26.8", "go1.27.3"} {
		tc, err := newToolchain(v, env)
		if err != nil {
			t.Fatal(err)
		}
		tc.cacheDir = testCache
		defer tc.writing.Wait()
		prog, err := load(tc, dir, []string{"."}, "")
		if err != nil {
			t.Fatal(err)
		}
		tcs[i], findings[i] = tc, analyze(prog, options{})
	}
	for _, c := range []struct {
		from, to int
		kind     string
		breaks   bool
	}{{0, 1, changeOnlyBefore, false}, {1, 0, changeOnlyAfter, true}} {
		r := compareUpgrade(tcs[c.from], tcs[c.to], findings[c.from], findings[c.to])
		var got []string
		for _, m := range r.Modules {
			for _, ch := range m.Changes {
				got = append(got, m.Module+" "+ch.Pos+" "+ch.Local+" "+strings.Join(ch.Kinds, ","))
			}
		}
		want := []string{"example.test dep/dep.go:3 hook " + c.kind}
		if !slices.Equal(got, want) || r.Breaks != c.breaks {
			t.Errorf("-upgrade %s from %s: breaks %v, changes %q; want breaks %v, changes %q",
				tcs[c.to].version, tcs[c.from].version, r.Breaks, got, c.breaks, want)
		}
	}
}
