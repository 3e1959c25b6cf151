package main

import (
	"encoding/json"
	"fmt"
	"go/build"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// writeTree writes files, named by slash paths, under a new temporary
// folder, and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		file := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// A made-up GOROOT with one of each kind of mark. The linker's
// checkLinkname asks FromAssembly when assemblyChecked is set.
func syntheticGOROOT(t *testing.T, assemblyChecked bool) *toolchain {
	check := ""
	if assemblyChecked {
		check = "_ = r.FromAssembly()\n\t_ = osym.IsLinknameStd()\n\t_ = linknameVarRefs"
	}
	root := writeTree(t, map[string]string{
		"src/cmd/link/internal/loader/loader.go": `package loader

var blockedLinknames = map[string][]string{
	"p.coro":   {"iter"},
	"p.closed": {},
}

func (l *Loader) checkLinkname(pkg, name string, s Sym) {
	` + check + `
}
`,
		"src/p/p.go": `package p

import _ "unsafe"

//go:linkname marked
func marked() {}

//go:linkname standin p.(*T).M
func standin()

type T struct{}

func (*T) M() {}

//go:linknamestd reserved
func reserved() {}

//go:linkname coro
func coro() {}

//go:linkname markedVar
var markedVar int

//go:linkname pull q.elsewhere
func pull()

func asmfunc()

// A directive alone on its line counts, indented or not; after code on
// its line, the compiler refuses it as misplaced.
func indented() {
	//go:linkname indented
}

func trailing() {} //go:linkname trailing
`,
		"src/p/p_amd64.s": `#include "textflag.h"

TEXT ·asmfunc(SB),NOSPLIT,$0-0
	RET

TEXT ·nodecl(SB),NOSPLIT,$0-0
	RET

TEXT ·static<>(SB),NOSPLIT,$0-0
	RET
`,
		// Counted among the directive lines, never listed on linux/amd64.
		"src/p/p_windows.go": "package p\n\nimport _ \"unsafe\"\n\n//go:linkname winonly\nfunc winonly() {}\n",
		"src/p/ignored.go":   "//go:build ignore\n\npackage p\n\nimport _ \"unsafe\"\n\n//go:linkname ignored\nfunc ignored() {}\n",
		// Neither counted nor listed.
		"src/p/p_test.go":      "package p\n\n//go:linkname intest\nfunc intest() {}\n",
		"src/p/testdata/td.go": "package td\n\n//go:linkname td\nfunc td() {}\n",
		"src/vendor/v/v.go":    "package v\n\n//go:linkname vendored\nfunc vendored() {}\n",
		"src/cmd/compile/c.go": "package c\n\n//go:linkname command\nfunc command() {}\n",
		"src/q/q.go": `package q

import _ "unsafe"

//go:linkname pushed p.pushed
func pushed() {}

//go:linkname abigen_cmpstring runtime.cmpstring
func abigen_cmpstring()
`,
		"src/q/q_amd64.s": `TEXT runtime·cmpstring<ABIInternal>(SB),0,$0-0
	RET
TEXT internal∕x·slashed<ABIInternal>(SB),0,$0-0
	RET
`,
	})
	ctxt := build.Default
	ctxt.GOROOT, ctxt.GOOS, ctxt.GOARCH, ctxt.CgoEnabled = root, "linux", "amd64", false
	ctxt.ToolTags = []string{"goexperiment.regabiwrappers"}
	rules, err := readLinkerRules(root)
	if err != nil {
		t.Fatal(err)
	}
	return &toolchain{version: "go1.99.0", goroot: root, goos: "linux", goarch: "amd64", rules: rules, context: &ctxt}
}

// markLines lays symbols out one a line, without the prose of Detail.
func markLines(symbols []markSymbol) string {
	var b strings.Builder
	for _, s := range symbols {
		fmt.Fprintf(&b, "%s %s %s %s %s %s\n", s.Symbol, s.Kind, verdictWord(s.Pullable), s.Reason, s.Package, s.Where)
	}
	return b.String()
}

func TestScanMarks(t *testing.T) {
	for _, tc := range []struct {
		name            string
		assemblyChecked bool
		want            string
	}{
		{"assembly unchecked", false, `internal/x.slashed func pullable assembly q q/q_amd64.s:3
p.(*T).M func pullable std_marked p p/p.go:8
p.asmfunc func pullable assembly p p/p_amd64.s:3
p.closed func refused blocklisted  cmd/link/internal/loader/loader.go:5
p.coro func refused blocklisted p cmd/link/internal/loader/loader.go:4
p.indented func pullable std_marked p p/p.go:32
p.marked func pullable std_marked p p/p.go:5
p.markedVar var pullable not_checked p p/p.go:21
p.pushed func pullable pushed q q/q.go:5
runtime.cmpstring func pullable pushed q q/q.go:8
`},
		{"assembly checked", true, `internal/x.slashed func refused assembly_unmarked q q/q_amd64.s:3
p.(*T).M func pullable std_marked p p/p.go:8
p.asmfunc func refused assembly_unmarked p p/p_amd64.s:3
p.closed func refused blocklisted  cmd/link/internal/loader/loader.go:5
p.coro func refused blocklisted p cmd/link/internal/loader/loader.go:4
p.indented func pullable std_marked p p/p.go:32
p.marked func pullable std_marked p p/p.go:5
p.markedVar var pullable std_marked p p/p.go:21
p.pushed func pullable pushed q q/q.go:5
p.reserved func refused linknamestd p p/p.go:15
runtime.cmpstring func pullable pushed q q/q.go:8
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := scanMarks(syntheticGOROOT(t, tc.assemblyChecked))
			if err != nil {
				t.Fatal(err)
			}
			if got := markLines(r.Symbols); got != tc.want {
				t.Errorf("symbols:\n%s\nwant:\n%s", got, tc.want)
			}
			// marked, coro, markedVar, indented, winonly, ignored; reserved.
			if r.OneArgLinknameLines != 6 || r.LinknamestdLines != 1 {
				t.Errorf("directive lines: %d one-argument, %d linknamestd; want 6, 1", r.OneArgLinknameLines, r.LinknamestdLines)
			}
			// ·nodecl: ABI0, and no Go declaration to make a wrapper.
			if r.UnreachableAssembly != 1 || r.AssemblyChecked != tc.assemblyChecked {
				t.Errorf("unreachable assembly %d, assembly checked %v; want 1, %v", r.UnreachableAssembly, r.AssemblyChecked, tc.assemblyChecked)
			}
		})
	}
}

// The marks of the standard library that this workspace is verified on
// are in testdata/marks/GOOS-GOARCH.txtar: a comment, then a section per
// Go version ("-- go1.26.8 --") whose first line is "directive lines N
// one-argument M linknamestd", and each other line "SYMBOL VERDICT
// REASON", VERDICT pullable or refused.

// goMarks is one Go version's section of testdata/marks.
type goMarks struct {
	oneArg, std int
	verdicts    map[string]string // symbol -> "VERDICT REASON"
}

// A marksFile is testdata/marks/GOOS-GOARCH.txtar.
type marksFile struct {
	platform string
	versions map[string]goMarks
}

func parseMarksFile(name, data string) (marksFile, error) {
	m := marksFile{platform: name, versions: map[string]goMarks{}}
	_, files := parseTxtar(data)
	for _, f := range files {
		lines := strings.Split(strings.TrimSpace(f.data), "\n")
		g := goMarks{verdicts: map[string]string{}}
		if _, err := fmt.Sscanf(lines[0], "directive lines %d one-argument %d linknamestd", &g.oneArg, &g.std); err != nil {
			return m, fmt.Errorf("%s: %q: want directive lines N one-argument M linknamestd", f.name, lines[0])
		}
		for _, line := range lines[1:] {
			fields := strings.Fields(line)
			if len(fields) != 3 || fields[1] != "pullable" && fields[1] != "refused" || g.verdicts[fields[0]] != "" {
				return m, fmt.Errorf("%s: %q: want SYMBOL pullable|refused REASON, once a symbol", f.name, line)
			}
			g.verdicts[fields[0]] = fields[1] + " " + fields[2]
		}
		if _, dup := m.versions[f.name]; dup || !goRelease.MatchString(f.name) || len(g.verdicts) == 0 {
			return m, fmt.Errorf("section %q: want a Go release, once, with at least one symbol", f.name)
		}
		m.versions[f.name] = g
	}
	return m, nil
}

// The running Go's own source says what this workspace's facts say.
func TestRunningGoMarks(t *testing.T) {
	var want goMarks
	ok := false
	for _, m := range readTxtarCases(t, filepath.Join("testdata", "marks"), parseMarksFile) {
		if m.platform == runtime.GOOS+"-"+runtime.GOARCH {
			want, ok = m.versions[runtime.Version()]
		}
	}
	if !ok {
		t.Skipf("no facts on record for %s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}
	tc, err := newToolchain(runtime.Version(), os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	r, err := scanMarks(tc)
	if err != nil {
		t.Fatal(err)
	}
	if r.OneArgLinknameLines != want.oneArg || r.LinknamestdLines != want.std {
		t.Errorf("directive lines: %d one-argument, %d linknamestd; want %d, %d", r.OneArgLinknameLines, r.LinknamestdLines, want.oneArg, want.std)
	}
	got := map[string]string{}
	for _, s := range r.Symbols {
		got[s.Symbol] = verdictWord(s.Pullable) + " " + s.Reason
	}
	for sym, verdict := range want.verdicts {
		if got[sym] != verdict {
			t.Errorf("%s: %q, want %q", sym, got[sym], verdict)
		}
	}
}

// The running version needs no switch: its GOROOT, and not a word on
// standard error.
func TestLocateRunningToolchain(t *testing.T) {
	stderr := captureStderr(t, func() {
		tc, err := newToolchain(runtime.Version(), os.Environ())
		if err != nil {
			t.Fatal(err)
		}
		ctxt, err := tc.buildContext()
		if err != nil {
			t.Fatal(err)
		}
		newest := ctxt.ReleaseTags[len(ctxt.ReleaseTags)-1]
		if tc.version != runtime.Version() || ctxt.GOROOT != tc.goroot || !strings.HasPrefix(tc.version, newest+".") {
			t.Errorf("located %s at %s, release tags %v", tc.version, tc.goroot, ctxt.ReleaseTags)
		}
	})
	if stderr != "" {
		t.Errorf("stderr: %q", stderr)
	}
}

// A version that cannot be had says so in one line, then fails with the
// go command's own reason.
func TestLocateMissingToolchain(t *testing.T) {
	t.Setenv("GOPROXY", "off")
	var err error
	stderr := captureStderr(t, func() { _, err = newToolchain("go1.99.0", os.Environ()) })
	if want := "linkcheck: fetching go1.99.0 through the module proxy (GOTOOLCHAIN=go1.99.0 go env GOROOT)\n"; stderr != want {
		t.Errorf("stderr: %q, want %q", stderr, want)
	}
	if want := "go: download go1.99.0 for " + runtime.GOOS + "/" + runtime.GOARCH + ": toolchain not available"; err == nil || err.Error() != want {
		t.Errorf("error: %v, want %q", err, want)
	}
}

func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	f()
	os.Stderr = saved
	w.Close()
	data, _ := io.ReadAll(r)
	return string(data)
}

// The cache answers for the same version and platform, and a corrupt
// entry is computed again.
func TestMarksCache(t *testing.T) {
	t.Setenv("LINKCHECK_CACHE", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	tc := syntheticGOROOT(t, false)
	first, err := cachedMarks(tc)
	if err != nil {
		t.Fatal(err)
	}
	// A change the cache cannot know of: the cached answer stands.
	if err := os.Remove(filepath.Join(tc.goroot, "src", "q", "q.go")); err != nil {
		t.Fatal(err)
	}
	cached, err := cachedMarks(tc)
	if err != nil || markLines(cached.Symbols) != markLines(first.Symbols) {
		t.Fatalf("second run, from the cache: %v\n%s", err, markLines(cached.Symbols))
	}
	dir, _ := cacheDir()
	entries, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("marks-v%d-go1.99.0-linux-amd64-nocgo-*.json", marksFormat)))
	if len(entries) != 1 {
		t.Fatalf("cache entries: %v", entries)
	}
	if err := os.WriteFile(entries[0], []byte(`{"format":`), 0o666); err != nil {
		t.Fatal(err)
	}
	again, err := cachedMarks(tc)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(markLines(again.Symbols), "p.pushed") {
		t.Errorf("a corrupt cache entry was used:\n%s", markLines(again.Symbols))
	}
}

func TestDiffMarks(t *testing.T) {
	// a.kept keeps its verdict and changes its promise twice over: a
	// module more, and a.dropped loses it.
	from := &marksReport{Go: "go1.1.0", GOOS: "linux", GOARCH: "amd64", OneArgLinknameLines: 3, Symbols: []markSymbol{
		{Symbol: "a.kept", Kind: "func", Pullable: true, Reason: reasonStdMarked, Where: "a/a.go:1", Promised: promised, PromisedFor: []string{"example.com/m"}},
		{Symbol: "a.lost", Kind: "func", Pullable: true, Reason: reasonAsmUnchecked, Where: "a/a.s:2", Promised: incidental},
		{Symbol: "a.gone", Kind: "var", Pullable: true, Reason: reasonStdMarked, Where: "a/a.go:3", Promised: incidental},
		{Symbol: "a.blocked", Kind: "func", Reason: reasonBlocked, Where: "loader.go:4", Promised: incidental},
		{Symbol: "a.dropped", Kind: "func", Pullable: true, Reason: reasonStdMarked, Where: "a/a.go:7", Promised: promised, PromisedFor: []string{}},
	}}
	to := &marksReport{Go: "go1.2.0", GOOS: "linux", GOARCH: "amd64", Cgo: true, OneArgLinknameLines: 2, LinknamestdLines: 1, Symbols: []markSymbol{
		{Symbol: "a.kept", Kind: "func", Pullable: true, Reason: reasonStdMarked, Where: "a/a.go:9", Promised: promised, PromisedFor: []string{"example.com/m", "example.com/n"}},
		{Symbol: "a.lost", Kind: "func", Reason: reasonAsmUnmarked, Where: "a/a.s:2", Promised: incidental},
		{Symbol: "a.blocked", Kind: "func", Reason: reasonLinknameStd, Where: "a/a.go:5", Promised: incidental},
		{Symbol: "a.new", Kind: "func", Pullable: true, Reason: reasonPushed, Where: "b/b.go:6", Promised: incidental},
		{Symbol: "a.dropped", Kind: "func", Pullable: true, Reason: reasonStdMarked, Where: "a/a.go:7", Promised: incidental},
	}}
	var b strings.Builder
	diffMarks(from, to).print(&b)
	want := `go1.1.0 -> go1.2.0, linux/amd64, cgo on
pullable from outside the standard library: 4 -> 3, of them promised: 2 -> 1
directive lines (all platforms): one-argument //go:linkname 3 -> 2, //go:linknamestd 0 -> 1

Stop being pullable (2):
  SYMBOL  KIND  GO1.1.0              GO1.2.0
  a.gone  var   std_marked a/a.go:3  unmarked
  a.lost  func  assembly a/a.s:2     refused: assembly_unmarked a/a.s:2

Start being pullable (1):
  SYMBOL  KIND  GO1.1.0   GO1.2.0
  a.new   func  unmarked  pushed b/b.go:6

Same verdict, other reason (1):
  SYMBOL     KIND  GO1.1.0                           GO1.2.0
  a.blocked  func  refused: blocklisted loader.go:4  refused: linknamestd a/a.go:5

Promise or named modules change (2):
  SYMBOL     KIND  GO1.1.0               GO1.2.0               CHANGE
  a.dropped  func  promised (0 modules)  incidental            promise dropped
  a.kept     func  promised (1 module)   promised (2 modules)  modules +example.com/n
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	// JSON lists are never null.
	data, _ := json.Marshal(diffMarks(&marksReport{}, &marksReport{}))
	if want := `{"from":{"go":"","goos":"","goarch":"","cgo":false,"one_arg_linkname_lines":0,"linknamestd_lines":0,"pullable":0,"promised":0},"to":{"go":"","goos":"","goarch":"","cgo":false,"one_arg_linkname_lines":0,"linknamestd_lines":0,"pullable":0,"promised":0},"stop_pullable":[],"start_pullable":[],"reason_changed":[],"promise_changed":[]}`; string(data) != want {
		t.Errorf("JSON of an empty difference: %s", data)
	}
}
