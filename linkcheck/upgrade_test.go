package main

import (
	"encoding/json"
	"os"
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

// upgradeProgram pulls what go1.27.3 changes and what it keeps.
var upgradeProgram = map[string]string{"main.go": `package main

import _ "unsafe"

//go:linkname load internal/runtime/atomic.Load
func load(p *uint32) uint32

//go:linkname systemstack runtime.systemstack
func systemstack(fn func())

//go:linkname coroswitch runtime.coroswitch
func coroswitch(c uintptr)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

//go:linkname nanotimeVar runtime.nanotime
var nanotimeVar int64

func callSystemstack()

func main() {
	var x uint32
	load(&x)
	systemstack(func() {})
	coroswitch(0)
	println(nanotime(), nanotimeVar)
	callSystemstack()
}
`, "systemstack_amd64.s": `#include "textflag.h"

TEXT ·callSystemstack(SB),NOSPLIT,$0-0
	CALL runtime·systemstack(SB)
	RET
`}

// TestUpgrade checks -upgrade from go1.26.8 to go1.27.3 and back, whichever
// Go runs the test, on a program whose pulls the upgrade changes in each
// way there is.
func TestUpgrade(t *testing.T) {
	skipWithout(t, "go1.26.8")
	skipWithout(t, "go1.27.3")
	// A temporary module: a go.work above it must not count.
	env := append(os.Environ(), "GOWORK=off")
	var tcs [2]*toolchain
	for i, v := range []string{"go1.26.8", "go1.27.3"} {
		tc, err := newToolchain(v, env)
		if err != nil {
			t.Fatal(err)
		}
		tc.cacheDir = testCache
		defer tc.writing.Wait()
		tcs[i] = tc
	}
	dir := writeModule(t, upgradeProgram)
	up := `example.test
  main.go:5: load -> internal/runtime/atomic.Load [pull]
      stops linking
      go1.26.8: links (std_marked by internal/runtime/atomic)
      go1.27.3: fails (linknamestd)
      why: internal/runtime/atomic marks it with //go:linknamestd, for the standard library's own use
      go build: link: main: invalid reference to internal/runtime/atomic.Load
  main.go:8: systemstack -> runtime.systemstack [pull]
      stops linking
      go1.26.8: links (assembly by runtime)
      go1.27.3: fails (assembly_unmarked)
      why: an assembly function in runtime that nothing marks for outside use
      go build: link: main: invalid reference to runtime.systemstack
  main.go:11: coroswitch -> runtime.coroswitch [pull]
      same result, other reason
      go1.26.8: fails (blocklisted)
      go1.27.3: fails (linknamestd)
  main.go:17: nanotimeVar -> runtime.nanotime [handshake]
      stops linking
      go1.26.8: links (std_marked by runtime)
      go1.27.3: fails (variable_over_function)
      why: the variable replaces runtime.nanotime's DUPOK ABI0 wrapper, and the linker meets a variable among the functions (with -ldflags=-w it panics instead)
      go build: passed to GetFuncDwarfAuxSyms
  systemstack_amd64.s:4: assembly reference -> runtime.systemstack [no directive]
      stops linking
      go1.26.8: links (not_checked)
      go1.27.3: fails (assembly_unmarked)
      why: an assembly function in runtime that nothing marks for outside use
      go build: link: main: invalid reference to runtime.systemstack
go1.26.8 -> go1.27.3 (linux/amd64, cgo on), 5 directives and 1 assembly reference checked: 4 stops linking, 1 same result, other reason: the build fails with both, and the upgrade breaks lines that linked or makes a signature unsafe
`
	down := `example.test
  main.go:5: load -> internal/runtime/atomic.Load [handshake]
      starts linking
      go1.27.3: fails (linknamestd)
      go1.26.8: links (std_marked by internal/runtime/atomic)
  main.go:8: systemstack -> runtime.systemstack [pull]
      starts linking
      go1.27.3: fails (assembly_unmarked)
      go1.26.8: links (assembly by runtime)
  main.go:11: coroswitch -> runtime.coroswitch [handshake]
      same result, other reason
      go1.27.3: fails (linknamestd)
      go1.26.8: fails (blocklisted)
  main.go:17: nanotimeVar -> runtime.nanotime [handshake]
      starts linking
      go1.27.3: fails (variable_over_function)
      go1.26.8: links (std_marked by runtime)
  systemstack_amd64.s:4: assembly reference -> runtime.systemstack [no directive]
      starts linking
      go1.27.3: fails (assembly_unmarked)
      go1.26.8: links (not_checked)
go1.27.3 -> go1.26.8 (linux/amd64, cgo on), 5 directives and 1 assembly reference checked: 4 starts linking, 1 same result, other reason: the build fails with both
`
	for _, c := range []struct {
		from, to int
		want     string
		breaks   bool
	}{{0, 1, up, true}, {1, 0, down, false}} {
		findings, progs, err := checkBoth([2]*toolchain{tcs[c.from], tcs[c.to]}, dir, []string{"."}, "", options{})
		if err != nil {
			t.Fatal(err)
		}
		r := compareUpgrade(tcs[c.from], tcs[c.to], findings[0], findings[1])
		var b strings.Builder
		r.print(&b, findings[0], findings[1], progs[1].isProgram())
		if got := b.String(); got != c.want || r.Breaks != c.breaks {
			t.Errorf("%s -> %s: breaks %v, want %v; got:\n%s\nwant:\n%s", tcs[c.from].version, tcs[c.to].version, r.Breaks, c.breaks, got, c.want)
		}
	}
	// Nothing changes from a Go to itself, and the JSON says so with
	// empty lists, never null; the build fails with both (coroswitch).
	findings, _, err := checkBoth([2]*toolchain{tcs[0], tcs[0]}, dir, []string{"."}, "", options{})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(compareUpgrade(tcs[0], tcs[0], findings[0], findings[1]))
	if want := `{"from":"go1.26.8","to":"go1.26.8","goos":"linux","goarch":"amd64","cgo":true,"from_build":"fails","to_build":"fails","breaks":false,"modules":[]}`; string(data) != want {
		t.Errorf("JSON: %s\nwant %s", data, want)
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
