package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
)

// goToolchains returns a toolchain for each of go1.26.8 and go1.27.3
// that the module cache holds, in a module outside the workspace.
func goToolchains(t *testing.T) []*toolchain {
	t.Helper()
	var tcs []*toolchain
	for _, v := range []string{"go1.26.8", "go1.27.3"} {
		skipWithout(t, v)
		tc, err := newToolchain(v, append(os.Environ(), "GOWORK=off"))
		if err != nil {
			t.Fatal(err)
		}
		tc.cacheDir = testCache
		t.Cleanup(tc.writing.Wait)
		tcs = append(tcs, tc)
	}
	return tcs
}

// Each shape of comment Go's source puts over a mark, read from the
// source of both Go versions: the comment holding the directive, a
// comment alone at the top of a file (reflect's and runtime's
// badlinkname.go, one with its list of modules, one without), the other
// wording of the request (time's legacy routines), the doc comment of a
// method whose directive stands elsewhere (runtime.funcInfo.entry), the
// doc comment in the package a push fills (time.now), a request naming
// no module, a list without the request (go1.27.3's cgocallback), and a
// promise that go1.27.3 adds.
func TestPromisesOfRealSource(t *testing.T) {
	type want struct {
		promise string
		modules string
	}
	cases := map[string]map[string]want{
		"runtime.memmove":        {"": {promised, "github.com/bytedance/sonic github.com/cloudwego/dynamicgo github.com/ebitengine/purego github.com/sagernet/gvisor github.com/tetratelabs/wazero github.com/ugorji/go/codec gvisor.dev/gvisor"}},
		"reflect.ifaceIndir":     {"": {promised, "github.com/goccy/go-json github.com/goccy/go-reflect github.com/sohaha/zlsgo github.com/undefinedlabs/go-mpatch"}},
		"runtime.cputicks":       {"": {promised, "github.com/clubpay/ronykit github.com/dgraph-io/ristretto github.com/outcaste-io/ristretto"}},
		"time.Time.abs":          {"": {promised, "gitee.com/quant1x/gox github.com/phuslu/log"}},
		"runtime.funcInfo.entry": {"": {promised, "github.com/phuslu/log"}},
		"time.now":               {"": {promised, "gitee.com/quant1x/gox github.com/phuslu/log github.com/sethvargo/go-limiter github.com/ulule/limiter/v3"}},
		"runtime.nanotime":       {"": {promised, ""}},
		"runtime.cgocallback":    {"": {incidental, ""}},
		"reflect.memmove":        {"": {incidental, ""}},
		"net/textproto.readMIMEHeader": {
			"go1.26.8": {incidental, ""},
			"go1.27.3": {promised, "github.com/qtgolang/SunnyNet"},
		},
	}
	for _, tc := range goToolchains(t) {
		r, err := scanMarks(tc)
		if err != nil {
			t.Fatal(err)
		}
		bySymbol := map[string]markSymbol{}
		for _, s := range r.Symbols {
			bySymbol[s.Symbol] = s
		}
		for sym, byVersion := range cases {
			w, ok := byVersion[tc.version]
			if !ok {
				w = byVersion[""]
			}
			s, listed := bySymbol[sym]
			if got := strings.Join(s.PromisedFor, " "); !listed || s.Promised != w.promise || got != w.modules {
				t.Errorf("%s: %s is %q for %q (listed %v), want %q for %q", tc.version, sym, s.Promised, got, listed, w.promise, w.modules)
			}
		}
	}
}

// Every comment of the standard library that asks to keep a symbol is
// read as asking, and every list of modules under "hall of shame" or
// "most notably" is read whole: each is checked against a plain reading
// of the lines, comment by comment, in the source of both Go versions.
func TestEveryPromiseCommentRead(t *testing.T) {
	for _, tc := range goToolchains(t) {
		src := filepath.Join(tc.goroot, "src")
		requests, lists, modules := 0, 0, map[string]bool{}
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor" || path == filepath.Join(src, "cmd")) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil || !strings.Contains(string(data), "go.dev/issue/67401") && !strings.Contains(string(data), "Do not remove") {
				return err
			}
			f, _ := parser.ParseFile(token.NewFileSet(), path, data, parser.ParseComments|parser.SkipObjectResolution)
			if f == nil {
				return nil
			}
			for _, cg := range f.Comments {
				asks, got := readComment(cg)
				text := commentText(cg)
				if strings.Contains(text, "Do not remove or change the type signature") {
					requests++
					if !asks {
						t.Errorf("%s: a request to keep the symbol is not read as one:\n%s", path, text)
					}
				}
				if want := listedModules(text); len(want) > 0 {
					lists++
					for _, m := range want {
						modules[m] = true
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s: modules read %q, the comment lists %q:\n%s", path, got, want, text)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d comments ask not to remove or change the type signature; %d lists name %d modules", tc.version, requests, lists, len(modules))
		if requests == 0 || lists == 0 {
			t.Errorf("%s: no comment found to check", tc.version)
		}
	}
}

// commentText is a comment group's lines, the comment markers left out.
func commentText(cg *ast.CommentGroup) string {
	var lines []string
	for _, c := range cg.List {
		lines = append(lines, strings.TrimPrefix(c.Text, "//"))
	}
	return strings.Join(lines, "\n")
}

// listedModules reads the lists the plain way: after a line ending in
// "include:" or "most notably:", the lines "- path" that follow.
func listedModules(text string) []string {
	var modules []string
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if !strings.HasSuffix(line, "hall of shame include:") && !strings.HasSuffix(line, "most notably:") {
			continue
		}
		for _, item := range lines[i+1:] {
			item = strings.TrimSpace(item)
			if !strings.HasPrefix(item, "- ") {
				break
			}
			modules = append(modules, strings.Fields(item)[1])
		}
	}
	slices.Sort(modules)
	return slices.Compact(modules)
}

// promiseProgram pulls symbols whose marks go1.26.8 and go1.27.3 promise
// to keep, one whose promise go1.27.3 adds, and one that neither
// promises.
var promiseProgram = map[string]string{"main.go": `package main

import (
	"bufio"
	"net/textproto"
	"strings"
	"unsafe"
)

//go:linkname memmove runtime.memmove
func memmove(to, from unsafe.Pointer, n uintptr)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

//go:linkname reflectMemmove reflect.memmove
func reflectMemmove(dst, src unsafe.Pointer, size uintptr)

//go:linkname readMIMEHeader net/textproto.readMIMEHeader
func readMIMEHeader(r *textproto.Reader, maxMemory, maxHeaders int64) (textproto.MIMEHeader, error)

func main() {
	a, b := 1, 2
	memmove(unsafe.Pointer(&a), unsafe.Pointer(&b), unsafe.Sizeof(a))
	reflectMemmove(unsafe.Pointer(&b), unsafe.Pointer(&a), unsafe.Sizeof(a))
	h, err := readMIMEHeader(textproto.NewReader(bufio.NewReader(strings.NewReader("A: b\r\n\r\n"))), 1<<20, 10)
	println(a, b, nanotime() > 0, h.Get("A"), err == nil)
}
`}

// Each pull of a standard-library symbol says whether that Go promises
// its mark, in JSON and in text, and the summary line counts the
// incidental ones; -upgrade reports the promise that one Go makes and
// the other does not. The program links with both Go versions, for real.
func TestPromisesOnPulls(t *testing.T) {
	tcs := goToolchains(t)
	dir := writeModule(t, promiseProgram)
	for _, tc := range tcs {
		cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN="+tc.version)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: go build: %v\n%s", tc.version, err, out)
		}
		prog, err := load(tc, dir, []string{"."}, "")
		if err != nil {
			t.Fatal(err)
		}
		findings := analyze(prog, options{})
		var got []string
		for _, f := range findings {
			data, _ := json.Marshal(f)
			var fields struct {
				Target      string   `json:"target"`
				Link        string   `json:"link"`
				Promised    string   `json:"promised"`
				PromisedFor []string `json:"promised_for"`
			}
			json.Unmarshal(data, &fields)
			got = append(got, fields.Target+" "+fields.Link+" "+fields.Promised+" "+strings.Join(fields.PromisedFor, ","))
		}
		mime := "net/textproto.readMIMEHeader links incidental "
		if tc.version == "go1.27.3" {
			mime = "net/textproto.readMIMEHeader links promised github.com/qtgolang/SunnyNet"
		}
		want := []string{
			"runtime.memmove links promised github.com/bytedance/sonic,github.com/cloudwego/dynamicgo,github.com/ebitengine/purego,github.com/sagernet/gvisor,github.com/tetratelabs/wazero,github.com/ugorji/go/codec,gvisor.dev/gvisor",
			"runtime.nanotime links promised ",
			"reflect.memmove links incidental ",
			mime,
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: JSON says\n%s\nwant\n%s", tc.version, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		text := report(tc, findings, true)
		incidentals := "2 incidental pulls"
		if tc.version == "go1.27.3" {
			incidentals = "1 incidental pull"
		}
		for _, line := range []string{
			"      promised (runtime/time_nofake.go:17)\n",
			"      incidental: nothing in this Go's source promises to keep it\n",
			"example.test: 4 directives (3 handshake, 1 pull), 0 errors, " + incidentals + "\n",
			"total: 4 directives in 1 module, 0 errors, " + incidentals + ", with " + tc.version,
		} {
			if !strings.Contains(text, line) {
				t.Errorf("%s: the text has no line %q:\n%s", tc.version, line, text)
			}
		}
	}
	// A symbol in runtime's name that the program's own assembly
	// defines is no mark of the standard library: no promise is said.
	if goruntime.GOARCH == "amd64" {
		own := writeModule(t, map[string]string{"main.go": `package main

import _ "unsafe"

//go:linkname answer runtime.promiseTestAnswer
func answer() int64

func main() { println(answer()) }
`, "answer_amd64.s": "#include \"textflag.h\"\n\nTEXT runtime·promiseTestAnswer(SB),NOSPLIT,$0-8\n\tMOVQ $42, ret+0(FP)\n\tRET\n"})
		for _, tc := range tcs {
			cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
			cmd.Dir, cmd.Env = own, append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN="+tc.version)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: go build: %v\n%s", tc.version, err, out)
			}
			prog, err := load(tc, own, []string{"."}, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range analyze(prog, options{}) {
				if f.Target != "" && (f.Reason != reasonNotStd || f.Promised != "") {
					t.Errorf("%s: %s -> %s: %s, promise %q; want not_std and none", tc.version, f.Local, f.Target, f.Reason, f.Promised)
				}
			}
		}
	}
	for _, c := range []struct {
		from, to int
		kind     string
	}{{0, 1, changePromiseMade}, {1, 0, changePromiseLost}} {
		findings, _, err := checkBoth([2]*toolchain{tcs[c.from], tcs[c.to]}, dir, []string{"."}, "", options{})
		if err != nil {
			t.Fatal(err)
		}
		r := compareUpgrade(tcs[c.from], tcs[c.to], findings[0], findings[1])
		var changed []string
		for _, m := range r.Modules {
			for _, ch := range m.Changes {
				changed = append(changed, ch.Target+" "+strings.Join(ch.Kinds, ","))
			}
		}
		if want := []string{"net/textproto.readMIMEHeader " + c.kind}; !slices.Equal(changed, want) || r.Breaks {
			t.Errorf("%s -> %s: changes %q (breaks %v), want %q", tcs[c.from].version, tcs[c.to].version, changed, r.Breaks, want)
		}
	}
}

// line keeps the nth line of a command's output, as sed -n Np does.
func line(n int) func(string) string {
	return func(out string) string { return strings.SplitAfter(out, "\n")[n-1] }
}

// The README's transcript of promises: a program's pulls, the -upgrade
// that takes a promise away, and the part of -marks that lists the
// promises that change.
func TestPromiseTranscript(t *testing.T) {
	goToolchains(t)
	dir := writeModule(t, promiseProgram)
	var b strings.Builder
	b.WriteString("```console\n")
	for _, c := range []struct {
		shown  string
		args   []string
		status int
		lines  func(string) string
	}{
		{"linkcheck ./...", []string{"./..."}, 0, nil},
		{"linkcheck -go go1.27.3 -upgrade go1.26.8 ./...", []string{"-go", "go1.27.3", "-upgrade", "go1.26.8", "./..."}, 0, nil},
		{"linkcheck -marks go1.26.8 | sed -n 4p", []string{"-marks", "go1.26.8"}, 0, line(4)},
		{"linkcheck -marks go1.27.3 | sed -n 4p", []string{"-marks", "go1.27.3"}, 0, line(4)},
		{"linkcheck -marks go1.26.8 go1.27.3 | sed -n '1,2p;/^Promise/,$p'", []string{"-marks", "go1.26.8", "go1.27.3"}, 0, func(out string) string {
			lines := strings.SplitAfter(out, "\n")
			_, promises, _ := strings.Cut(out, "\nPromise")
			return strings.Join(lines[:2], "") + "Promise" + promises
		}},
	} {
		stdout, stderr, status := runIn(t, dir, c.args...)
		if status != c.status || stderr != "" {
			t.Fatalf("%s: status %d, want %d\n%s%s", c.shown, status, c.status, stdout, stderr)
		}
		if c.lines != nil {
			stdout = c.lines(stdout)
		}
		fmt.Fprintf(&b, "$ %s\n%s", c.shown, stdout)
	}
	b.WriteString("```\n")
	checkReadmeBlock(t, "<!-- promise transcript: go test -run TestPromiseTranscript -update rewrites it -->\n", "<!-- end of the promise transcript -->\n", b.String())
}
