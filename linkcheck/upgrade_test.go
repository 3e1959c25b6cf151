package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWordDiff(t *testing.T) {
	for _, c := range []struct{ before, after, want string }{
		{"func(int) int", "func(int) int", "func(int) int"},
		{"func(unsafe.Pointer, int) int", "func(unsafe.Pointer, uintptr) int", "func(unsafe.Pointer, [-int-]{+uintptr+}) int"},
		{"func([]byte) (int, error)", "func([]byte, bool) (int, error)", "func([]byte{+,+} {+bool+}) (int, error)"},
		{"int64", "uint32", "[-int64-]{+uint32+}"},
	} {
		if got := wordDiff(c.before, c.after); got != c.want {
			t.Errorf("wordDiff(%q, %q) = %q, want %q", c.before, c.after, got, c.want)
		}
	}
}

// The programs of testdata/upgrade/*.txtar are compared between Go
// versions by TestUpgrade. A file is a comment, then sections that each
// start with a line "-- name --" (read as testdata/*.txtar is):
//
//   - upgrade FROM TO: what -upgrade prints when FROM builds the program
//     and TO is the Go to upgrade to, exactly;
//   - json FROM TO: the JSON of that comparison, exactly, on one line;
//   - breaks: the pairs "FROM -> TO" whose upgrade breaks the build, one
//     a line; every other pair that a section names must not break it;
//   - any other: a file of the module, whose go.mod writeModule writes.

// An upgradeCase is one program of testdata/upgrade.
type upgradeCase struct {
	name   string
	files  map[string]string
	pairs  []upgradePair
	breaks map[[2]string]bool // the pairs whose upgrade breaks
}

// An upgradePair is one comparison of an upgradeCase and what it gives.
type upgradePair struct {
	from, to string
	json     bool // want is the JSON, not the text
	want     string
}

func parseUpgradeCase(name, data string) (upgradeCase, error) {
	c := upgradeCase{name: name, files: map[string]string{}, breaks: map[[2]string]bool{}}
	_, files := parseTxtar(data)
	var breaks [][2]string
	for _, f := range files {
		fields := strings.Fields(f.name)
		switch {
		case f.name == "breaks":
			for _, line := range strings.Split(strings.TrimSpace(f.data), "\n") {
				from, to, ok := strings.Cut(strings.TrimSpace(line), " -> ")
				if !ok || strings.Contains(from, " ") || strings.Contains(to, " ") {
					return c, fmt.Errorf("breaks: %q: want FROM -> TO", line)
				}
				breaks = append(breaks, [2]string{from, to})
			}
		case len(fields) == 3 && (fields[0] == "upgrade" || fields[0] == "json"):
			p := upgradePair{from: fields[1], to: fields[2], json: fields[0] == "json", want: f.data}
			if p.json {
				p.want = strings.TrimSuffix(p.want, "\n")
			}
			c.pairs = append(c.pairs, p)
		case len(fields) == 1:
			c.files[f.name] = f.data
		default:
			return c, fmt.Errorf("section %q: want upgrade FROM TO, json FROM TO, breaks or a file's name", f.name)
		}
	}
	for _, pair := range breaks {
		if !slices.ContainsFunc(c.pairs, func(p upgradePair) bool { return [2]string{p.from, p.to} == pair }) {
			return c, fmt.Errorf("breaks: %s -> %s: no section compares them", pair[0], pair[1])
		}
		c.breaks[pair] = true
	}
	if len(c.pairs) == 0 || len(c.files) == 0 {
		return c, fmt.Errorf("want a program and at least one upgrade or json section")
	}
	return c, nil
}

// TestUpgrade checks -upgrade on each program of testdata/upgrade, for
// each pair of Go versions its file names. A pair is skipped unless both
// are the go on PATH or in the module cache: make test does not fetch.
func TestUpgrade(t *testing.T) {
	// Temporary modules: a go.work above them must not count.
	env := append(os.Environ(), "GOWORK=off")
	tcs := map[string]*toolchain{}
	cleanup := t.Cleanup
	toolchainOf := func(t *testing.T, version string) *toolchain {
		t.Helper()
		skipWithout(t, version)
		if tc := tcs[version]; tc != nil {
			return tc
		}
		tc, err := newToolchain(version, env)
		if err != nil {
			t.Fatal(err)
		}
		tc.cacheDir = testCache
		cleanup(tc.writing.Wait)
		tcs[version] = tc
		return tc
	}
	for _, c := range readTxtarCases(t, filepath.Join("testdata", "upgrade"), parseUpgradeCase) {
		t.Run(c.name, func(t *testing.T) {
			dir := writeModule(t, c.files)
			for _, p := range c.pairs {
				from, to := toolchainOf(t, p.from), toolchainOf(t, p.to)
				findings, progs, err := checkBoth([2]*toolchain{from, to}, dir, []string{"."}, "", options{})
				if err != nil {
					t.Fatal(err)
				}
				r := compareUpgrade(from, to, findings[0], findings[1])
				var b strings.Builder
				r.print(&b, findings[0], findings[1], progs[1].isProgram())
				got := b.String()
				if p.json {
					data, _ := json.Marshal(r)
					got = string(data)
				}
				if wantBreaks := c.breaks[[2]string{p.from, p.to}]; got != p.want || r.Breaks != wantBreaks {
					t.Errorf("%s -> %s: breaks %v, want %v; got:\n%s\nwant:\n%s", p.from, p.to, r.Breaks, wantBreaks, got, p.want)
				}
			}
		})
	}
}

// A target whose type changes, and a signature that stops agreeing: both
// reported, and the second breaks the upgrade.
func TestUpgradeSignature(t *testing.T) {
	before := []finding{{Module: "m", Pos: "a.go:3", Local: "f", Target: "p.f", Mode: modePull, Link: linkOK, Reason: reasonStdMarked, By: "p",
		Signature: sigIdentical, targetType: "func(unsafe.Pointer, int) int"}}
	after := []finding{{Module: "m", Pos: "a.go:3", Local: "f", Target: "p.f", Mode: modePull, Link: linkOK, Reason: reasonStdMarked, By: "p",
		Signature: sigIncompatible, Risk: riskMemory, Diffs: []string{"param 2: int vs uintptr"}, targetType: "func(unsafe.Pointer, uintptr) int"}}
	got, breaks := upgradeText(before, after)
	want := `m
  a.go:3: f -> p.f [pull]
      target's signature changes; signature becomes unsafe
      go1.1.0: links (std_marked by p)
      go1.2.0: links (std_marked by p)
      target: func(unsafe.Pointer, [-int-]{+uintptr+}) int
      UNSAFE signature, can corrupt memory: param 2: int vs uintptr
go1.1.0 -> go1.2.0 (linux/amd64, cgo off), 1 directive checked: 1 target's signature changes, 1 signature becomes unsafe: the upgrade makes a signature unsafe
`
	if got != want || !breaks {
		t.Errorf("breaks %v; got:\n%s\nwant:\n%s", breaks, got, want)
	}
}

// A directive that the first Go ignores leaves a bodyless function, with
// no target: the line still pairs with the second Go's pull, by name.
func TestUpgradeIgnoredDirective(t *testing.T) {
	before := []finding{{Module: "m", Package: "m", Pos: "a.go:9", Local: "nanotime", Mode: modeNone, Link: linkFails, Reason: reasonMissingBody,
		Fails: "missing function body"}}
	after := []finding{{Module: "m", Package: "m", Pos: "a.go:8", Local: "nanotime", Target: "runtime.nanotime", Mode: modeHandshake,
		Link: linkOK, Reason: reasonStdMarked, By: "runtime", Signature: sigIdentical, targetType: "func() int64"}}
	got, breaks := upgradeText(before, after)
	want := `m
  a.go:8: nanotime -> runtime.nanotime [handshake]
      starts linking
      go1.1.0: fails (missing_body)
      go1.2.0: links (std_marked by runtime)
go1.1.0 -> go1.2.0 (linux/amd64, cgo off), 1 directive checked: 1 starts linking: the build fails with the first Go and links with the second
`
	if got != want || breaks {
		t.Errorf("breaks %v; got:\n%s\nwant:\n%s", breaks, got, want)
	}
}

// A signature unsafe under both Go versions is no change, and the summary
// says it is unsafe with both.
func TestUpgradeUnsafeOnBoth(t *testing.T) {
	unsafe := []finding{{Module: "m", Pos: "a.go:3", Local: "f", Target: "p.f", Mode: modePull, Link: linkOK, Reason: reasonStdMarked, By: "p",
		Signature: sigIncompatible, Risk: riskValues, Diffs: []string{"result 1: int64 vs float64"}, targetType: "func() int64"}}
	got, breaks := upgradeText(unsafe, unsafe)
	want := "go1.1.0 -> go1.2.0 (linux/amd64, cgo off), 1 directive checked: nothing changes: it links with both, but a signature is unsafe with both\n"
	if got != want || breaks {
		t.Errorf("breaks %v; got:\n%s\nwant:\n%s", breaks, got, want)
	}
}

// upgradeText compares one-line programs from a made-up go1.1.0 to
// go1.2.0, and prints the report.
func upgradeText(before, after []finding) (string, bool) {
	from, to := &toolchain{version: "go1.1.0", goos: "linux", goarch: "amd64"}, &toolchain{version: "go1.2.0", goos: "linux", goarch: "amd64"}
	r := compareUpgrade(from, to, before, after)
	var b strings.Builder
	r.print(&b, before, after, true)
	return b.String(), r.Breaks
}

// -upgrade says how the build ends with each Go, in the JSON and in the
// summary: each of the nine pairs reads differently, and a program that
// fails with both never reads as a clean one.
func TestUpgradeEndings(t *testing.T) {
	line := func(link, signature string) []finding {
		f := finding{Module: "m", Package: "m", Pos: "a.go:3", Local: "f", Target: "p.f", Mode: modePull, Link: link, Reason: reasonStdMarked,
			By: "p", Signature: signature, targetType: "func() int64"}
		if link == linkFails {
			f.Reason, f.By, f.Fails = reasonUnmarked, "", "link: main: invalid reference to p.f"
		}
		if signature == sigIncompatible {
			f.Risk, f.Diffs = riskValues, []string{"result 1: float64 vs int64"}
		}
		return []finding{f}
	}
	sides := map[string][]finding{buildLinks: line(linkOK, sigIdentical), buildUnsafe: line(linkOK, sigIncompatible), buildFails: line(linkFails, sigIdentical)}
	from, to := &toolchain{version: "go1.1.0", goos: "linux", goarch: "amd64"}, &toolchain{version: "go1.2.0", goos: "linux", goarch: "amd64"}
	endingOf, jsonOf := map[string]string{}, map[string]string{}
	for _, a := range []string{buildLinks, buildUnsafe, buildFails} {
		for _, b := range []string{buildLinks, buildUnsafe, buildFails} {
			r := compareUpgrade(from, to, sides[a], sides[b])
			if r.FromBuild != a || r.ToBuild != b {
				t.Errorf("%s -> %s: from_build %q, to_build %q", a, b, r.FromBuild, r.ToBuild)
			}
			var text strings.Builder
			r.print(&text, sides[a], sides[b], true)
			summary := strings.TrimSuffix(text.String()[strings.LastIndex(text.String(), "\ngo1.1.0")+1:], "\n")
			ending := summary[strings.LastIndex(summary, ": ")+2:]
			data, _ := json.Marshal(r)
			pair := a + " -> " + b
			for other, e := range endingOf {
				if e == ending {
					t.Errorf("%s and %s end alike: %q", pair, other, ending)
				}
			}
			for other, j := range jsonOf {
				if j == string(data) {
					t.Errorf("%s and %s print the same JSON: %s", pair, other, data)
				}
			}
			endingOf[pair], jsonOf[pair] = ending, string(data)
		}
	}
	// Nothing changes, yet the build fails with both: not the clean JSON.
	failing := compareUpgrade(from, to, sides[buildFails], sides[buildFails])
	clean := compareUpgrade(from, to, nil, nil)
	if failing.FromBuild != buildFails || failing.ToBuild != buildFails || clean.FromBuild != buildLinks || clean.ToBuild != buildLinks || len(failing.Modules) != 0 {
		t.Errorf("failing with both: %+v; clean: %+v", failing, clean)
	}
}
