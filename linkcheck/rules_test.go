package main

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// recordedGo returns the Go versions this workspace is run with, from
// the one list of them, recordedGo in ../workshop/workspace.go.
func recordedGo(t *testing.T) []string {
	t.Helper()
	return workshopList(t, "recordedGo")
}

// workshopList reads the list of strings that ../workshop/workspace.go
// declares as name: the workshop's lists are written once, there.
func workshopList(t *testing.T, name string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "workshop", "workspace.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Names[0].Name != name || len(vs.Values) != 1 {
			return true
		}
		for _, elt := range vs.Values[0].(*ast.CompositeLit).Elts {
			v, _ := strconv.Unquote(elt.(*ast.BasicLit).Value)
			list = append(list, v)
		}
		return false
	})
	if len(list) == 0 {
		t.Fatalf("no %s in ../workshop/workspace.go", name)
	}
	return list
}

// The exercises hold a fix to every first-class port with the workshop's
// copy of the list (a module of its own); it must be linkcheck's.
func TestWorkshopPortsAreLinkchecks(t *testing.T) {
	if got := workshopList(t, "firstClassPorts"); !slices.Equal(got, firstClassPorts) {
		t.Errorf("workshop/workspace.go's firstClassPorts are %q; linkcheck's (ports.go) are %q", got, firstClassPorts)
	}
}

// portToolchain is version's toolchain building for port with cgo off, as
// a cross-build is, for modules in temporary folders; it skips the test
// when version is neither the running Go nor in the module cache (make
// test does not fetch). The tests share one per version and port, and
// with it the standard library's packages, read once.
func portToolchain(t *testing.T, version, port string) *toolchain {
	t.Helper()
	if version != runtime.Version() {
		skipWithout(t, version)
	}
	portToolchainsMu.Lock()
	defer portToolchainsMu.Unlock()
	if tc := portToolchainsMade[version+" "+port]; tc != nil {
		return tc
	}
	tc, err := newToolchain(version, portEnv(append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0"), port))
	if err != nil {
		t.Fatal(err)
	}
	portToolchainsMade[version+" "+port] = tc
	if tc.version != version || tc.goos+"/"+tc.goarch != port {
		t.Fatalf("asked for %s %s, got %s %s/%s", version, port, tc.version, tc.goos, tc.goarch)
	}
	tc.cacheDir = testCache
	return tc
}

var (
	portToolchainsMu   sync.Mutex
	portToolchainsMade = map[string]*toolchain{}
)

// stdImporters maps each standard-library package that tc builds to the
// package with the fewest dependencies that a program may import and
// that links it in (itself, unless it is internal).
func stdImporters(t *testing.T, tc *toolchain) map[string]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-f", "{{if not .Error}}{{.ImportPath}} {{join .Deps \" \"}}{{end}}", "std")
	cmd.Env, cmd.Dir = tc.env, os.TempDir()
	out, err := output(cmd)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	slices.SortFunc(lines, func(a, b string) int {
		return cmp.Or(strings.Count(a, " ")-strings.Count(b, " "), strings.Compare(a, b))
	})
	importers := map[string]string{}
	for _, line := range lines {
		pkgs := strings.Fields(line)
		if len(pkgs) == 0 || slices.Contains(strings.Split(pkgs[0], "/"), "internal") || strings.HasPrefix(pkgs[0], "vendor/") {
			continue
		}
		for _, p := range pkgs {
			if importers[p] == "" {
				importers[p] = pkgs[0]
			}
		}
	}
	return importers
}

// A marksPull is one pull that a generated program makes of a symbol
// that -marks lists.
type marksPull struct {
	local string
	mark  markSymbol
}

// writeMarksPulls writes a program that pulls every symbol of r whose
// definition some importable package links in, and uses each pull from
// main so that the linker keeps the reference: a func as func(), a var as
// [0]byte.
func writeMarksPulls(t *testing.T, r *marksReport, importers map[string]string) (string, []marksPull) {
	t.Helper()
	var pulls []marksPull
	imports := map[string]bool{}
	var decls, uses strings.Builder
	for _, s := range r.Symbols {
		if s.Package != "" && importers[s.Package] == "" {
			continue // only test binaries link it
		}
		if s.Package != "" {
			imports[importers[s.Package]] = true
		}
		local := fmt.Sprintf("pull%d", len(pulls))
		pulls = append(pulls, marksPull{local, s})
		if s.Kind == "var" {
			fmt.Fprintf(&decls, "//go:linkname %s %s\nvar %s [0]byte\n\n", local, s.Symbol, local)
			fmt.Fprintf(&uses, "\t\tprintln(&%s)\n", local)
		} else {
			fmt.Fprintf(&decls, "//go:linkname %s %s\nfunc %s()\n\n", local, s.Symbol, local)
			fmt.Fprintf(&uses, "\t\t%s()\n", local)
		}
	}
	var src strings.Builder
	src.WriteString("package main\n\nimport (\n\t\"os\"\n\t_ \"unsafe\"\n")
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for p := range imports {
			if p != "os" && p != "unsafe" && !yield(p) {
				return
			}
		}
	}) {
		fmt.Fprintf(&src, "\t_ %q\n", p)
	}
	src.WriteString(")\n\n" + decls.String() + "func main() {\n\tif len(os.Args) > 1000 {\n" + uses.String() + "\t}\n}\n")
	return writeModule(t, map[string]string{"main.go": src.String()}), pulls
}

// TestMarksAgreeWithChecker holds -marks and the checker to one set of
// rules: on every first-class port and every recorded Go version, a
// program that pulls each symbol -marks lists gets from the checker, for
// each pull, the verdict and the reason that -marks gives. No build: the
// ports proof (TestPorts) links a sample for real.
func TestMarksAgreeWithChecker(t *testing.T) {
	for _, version := range recordedGo(t) {
		for _, port := range firstClassPorts {
			t.Run(version+"/"+port, func(t *testing.T) {
				t.Parallel()
				tc := portToolchain(t, version, port)
				defer tc.writing.Wait()
				r, err := scanMarks(tc)
				if err != nil {
					t.Fatal(err)
				}
				dir, pulls := writeMarksPulls(t, r, stdImporters(t, tc))
				prog, err := load(tc, dir, []string{"."}, "")
				if err != nil {
					t.Fatal(err)
				}
				byLocal := map[string]finding{}
				for _, f := range analyze(prog, options{}) {
					if f.Package == "marks.test" || f.Module == "example.test" {
						byLocal[f.Local] = f
					}
				}
				disagree := 0
				for _, p := range pulls {
					f, ok := byLocal[p.local]
					want := verdictWord(p.mark.Pullable) + " " + p.mark.Reason
					got := "no finding"
					if ok {
						got = verdictWord(f.Link == linkOK) + " " + f.Reason
					}
					if got != want {
						if disagree++; disagree <= 20 {
							t.Errorf("%s: -marks says %s, the checker %s (%s)", p.mark.Symbol, want, got, f.Why)
						}
					}
				}
				if disagree > 0 {
					t.Errorf("%d of %d pulls disagree", disagree, len(pulls))
				}
				if len(pulls) < 100 {
					t.Errorf("only %d symbols pulled", len(pulls))
				}
			})
		}
	}
}

// The directive parser reads a line as the compiler does: alone on its
// line, indented or not, a directive counts; after code, the compiler
// refuses it as misplaced. Both built for real.
func TestDirectivePlacement(t *testing.T) {
	for _, c := range []struct {
		name, body string
		links      bool
		reason     string
	}{
		{"indented", "func main() {\n\t//go:linkname nanotime runtime.nanotime\n\tprintln(nanotime() > 0)\n}\n", true, reasonStdMarked},
		{"after code", "func main() {\n\tprintln(nanotime() > 0) //go:linkname nanotime runtime.nanotime\n}\n", false, reasonMisplaced},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeModule(t, map[string]string{"main.go": "package main\n\nimport _ \"unsafe\"\n\nfunc nanotime() int64\n\n" + c.body})
			findings, links := buildAndPredict(t, dir, ".")
			if links != c.links {
				t.Errorf("go build links: %v, want %v", links, c.links)
			}
			if !slices.ContainsFunc(findings, func(f finding) bool { return f.Reason == c.reason }) {
				t.Errorf("no %s among the findings:\n%s", c.reason, report(toolchainOrFail(t), findings, true))
			}
		})
	}
}

// buildAgreement is the one rule by which a prediction is held to a real
// build: linkcheck predicts a failure exactly when the build fails, and
// then the go command's output holds one of the texts it predicts (the
// linker stops at its first refusal). It returns what disagrees, or "".
func buildAgreement(predicted []string, linked bool, out string) string {
	switch {
	case linked && len(predicted) > 0:
		return fmt.Sprintf("go build links; linkcheck predicts %q", predicted)
	case !linked && len(predicted) == 0:
		return "go build fails:\n" + out + "linkcheck predicts it links"
	case !linked && !slices.ContainsFunc(predicted, func(p string) bool { return strings.Contains(out, p) }):
		return fmt.Sprintf("go build fails:\n%slinkcheck predicts %q", out, predicted)
	}
	return ""
}

// A //line comment renumbers the positions after it (cgo's generated
// files carry them), not the bytes: a directive after one is still read
// from the file's own offsets, alone on its line or not.
func TestDirectiveAfterLineComment(t *testing.T) {
	src := []byte("package p\n\nimport _ \"unsafe\"\n\n//line other.go:10\n//go:linkname f runtime.f\nfunc f()\n\nvar x = 1 //go:linkname g runtime.g\n")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	ds := directivesIn(fset, f, src)
	if len(ds) != 2 || ds[0].Misplaced || !ds[1].Misplaced {
		t.Fatalf("directivesIn after a //line comment: %+v, want f alone on its line and g misplaced", ds)
	}
}
