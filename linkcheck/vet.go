package main

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// go vet -vettool=linkcheck runs linkcheck once per package, as it runs
// cmd/vet: first "linkcheck -flags" (the flags it may pass on, as JSON)
// and "linkcheck -V=full" (an identity for vet's cache), then
// "linkcheck [-json] DIR/vet.cfg" for each package, its dependencies
// included. A package alone cannot say whether the program links, so the
// vet mode reports only what the package itself decides: the compiler's
// refusals of its directives and bodyless functions, and signatures that
// differ from a target in one of its dependencies. The types come from
// source, read as the plain command reads it, never from the export data
// that vet.cfg names: a linkcheck built by one Go then works under the
// vet of another, whose export data it could not read.

// vetUsage is the line of linkcheck's usage that tells of the vet mode.
const vetUsage = `       go vet -vettool=$(command -v linkcheck) [packages]
           one package at a time: unsafe import, directive usage, duplicate directives,
           undeclared names, instantiations, missing bodies, and signatures against
           targets in the package's dependencies; whether the program links is the
           plain command's answer
`

// vetFlags are the flags of the vet mode, which -flags describes.
var vetFlags = []struct {
	Name  string
	Bool  bool
	Usage string
}{
	{"json", true, "write the diagnostics as a JSON tree (to vet.cfg's Stdout file), as go vet asks, and exit 0"},
}

// vetConfig is what linkcheck reads of the vet.cfg that the go command
// writes for each package. What differs between Go versions is left out:
// go1.26 names the module in ModulePath and ModuleVersion, go1.27 in a
// Module object, and the export data (PackageFile) is in each version's
// own format. Nothing the vet mode reports depends on them.
type vetConfig struct {
	ID         string // the package as vet's JSON names it
	ImportPath string
	Dir        string
	GoFiles    []string // absolute paths, cgo's output and the package's own tests included
	NonGoFiles []string
	ImportMap  map[string]string // import path in the source -> package path
	VetxOnly   bool              // a dependency: only its facts are wanted
	VetxOutput string            // where the facts go; written even when there are none
	Stdout     string            // where -json output goes, when set
}

// isVetInvocation reports whether the arguments are go vet's: -V=full,
// -flags, or flags and then one file ending in .cfg.
func isVetInvocation(args []string) bool {
	if slices.Contains(args, "-V=full") || slices.Contains(args, "-flags") {
		return true
	}
	if len(args) == 0 || !strings.HasSuffix(args[len(args)-1], ".cfg") {
		return false
	}
	return !slices.ContainsFunc(args[:len(args)-1], func(a string) bool { return !strings.HasPrefix(a, "-") })
}

// runVet answers go vet: errFails when diagnostics are printed as text
// (on stderr, as file:line:col: message), another error when the package
// cannot be checked. Either way go vet wants the exit status 1.
func runVet(args []string, stdout, stderr io.Writer) error {
	switch {
	case slices.Contains(args, "-flags"):
		data, _ := json.MarshalIndent(vetFlags, "", "\t")
		fmt.Fprintf(stdout, "%s\n", data)
		return nil
	case slices.Contains(args, "-V=full"):
		id, err := executableID()
		if err != nil {
			return err
		}
		// The go command keys vet's cache on the last field.
		fmt.Fprintf(stdout, "linkcheck version devel buildID=%s\n", id)
		return nil
	}
	fs := flag.NewFlagSet("linkcheck (vet mode)", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, vetFlags[0].Usage)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := readVetConfig(fs.Arg(0))
	if err != nil {
		return err
	}
	// linkcheck keeps no facts, but the go command caches the file.
	if err := os.WriteFile(cfg.VetxOutput, nil, 0o666); err != nil {
		return err
	}
	if cfg.VetxOnly {
		return nil
	}
	diags, err := vetPackage(cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeVetJSON(cfg, diags, stdout)
	}
	for _, d := range diags {
		fmt.Fprintf(stderr, "%s: %s\n", d.Posn, d.Message)
	}
	if len(diags) > 0 {
		return errFails
	}
	return nil
}

// executableID is a hash of linkcheck's own executable, so that vet's
// cache forgets its answers when linkcheck changes.
func executableID() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

func readVetConfig(file string) (*vetConfig, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	cfg := new(vetConfig)
	if err := json.Unmarshal(data, cfg); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if cfg.VetxOutput == "" {
		return nil, fmt.Errorf("%s names no VetxOutput: linkcheck reads a vet.cfg as go vet -vettool writes it", file)
	}
	return cfg, nil
}

// A vetDiagnostic is one line of the vet mode's report, in the shape of
// the JSON that go vet reads from its tools.
type vetDiagnostic struct {
	Posn    string `json:"posn"` // file:line:col
	End     string `json:"end"`
	Message string `json:"message"`
}

// writeVetJSON writes the JSON tree go vet expects, package ID ->
// analyzer -> diagnostics, to cfg.Stdout (standard output when vet.cfg
// names none): empty when there is nothing to say.
func writeVetJSON(cfg *vetConfig, diags []vetDiagnostic, stdout io.Writer) error {
	tree := map[string]map[string][]vetDiagnostic{}
	if len(diags) > 0 {
		tree[cfg.ID] = map[string][]vetDiagnostic{"linkcheck": diags}
	}
	data, _ := json.MarshalIndent(tree, "", "\t")
	data = append(data, '\n')
	if cfg.Stdout == "" {
		stdout.Write(data)
		return nil
	}
	return os.WriteFile(cfg.Stdout, data, 0o666)
}

// vetReasons are the refusals one package decides alone: the compiler's.
var vetReasons = []string{reasonNoUnsafe, reasonUsage, reasonDuplicate, reasonNotDeclared, reasonInstantiation, reasonMissingBody}

// vetPackage checks the package that cfg describes with linkcheck's own
// checks, and returns what one package decides, in the order found.
func vetPackage(cfg *vetConfig) ([]vetDiagnostic, error) {
	// Each go command run is the one that runs vet, found by the GOROOT
	// that go vet puts in its tools' environment (go need not be on PATH),
	// and it must not switch to another Go again.
	if goroot := os.Getenv("GOROOT"); goroot != "" {
		os.Setenv("PATH", filepath.Join(goroot, "bin")+string(filepath.ListSeparator)+os.Getenv("PATH"))
		os.Setenv("GOTOOLCHAIN", "local")
	}
	tc, err := newToolchain("", os.Environ())
	if err != nil {
		return nil, err
	}
	defer tc.writing.Wait()
	p := &pkg{ImportPath: packagePath(cfg.ImportPath), Dir: cfg.Dir, ImportMap: map[string]string{},
		Standard: strings.HasPrefix(cfg.Dir, filepath.Join(tc.goroot, "src")+string(filepath.Separator))}
	sources := map[string][]byte{}
	mayReport := false
	for _, file := range cfg.GoFiles {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		name := relativeTo(cfg.Dir, file)
		p.GoFiles, sources[name] = append(p.GoFiles, name), src
		pkgName, bodyless := scanFile(tc.fset, file, src)
		p.Name = cmp.Or(p.Name, pkgName)
		mayReport = mayReport || bodyless || bytes.Contains(src, []byte("//go:linkname"))
	}
	// The checks speak only of directives and bodyless functions.
	if !mayReport {
		return nil, nil
	}
	for _, file := range cfg.NonGoFiles {
		if strings.HasSuffix(file, ".s") {
			p.SFiles = append(p.SFiles, relativeTo(cfg.Dir, file))
		}
	}
	// The dependencies, read from source by the plain command's loader.
	var deps []string
	for imp, path := range cfg.ImportMap {
		path = packagePath(path)
		p.ImportMap[imp] = path
		if path != "C" && !slices.Contains(deps, path) {
			deps = append(deps, path)
		}
	}
	slices.Sort(deps)
	prog, err := load(tc, cfg.Dir, deps, "")
	if err != nil {
		return nil, err
	}
	for _, q := range prog.pkgs {
		q.DepOnly = true
		p.Deps = append(p.Deps, q.ImportPath)
	}
	p.deps = map[string]bool{}
	for _, d := range p.Deps {
		p.deps[d] = true
	}
	// Positions stay absolute, errors' included: go vet shortens them.
	prog.dir = ""
	if err := prog.readSources(p, "", sources); err != nil {
		return nil, err
	}
	prog.pkgs = append(prog.pkgs, p)
	prog.byPath[p.ImportPath] = p

	var diags []vetDiagnostic
	for _, f := range analyze(prog, options{noPromises: true}) {
		if f.pkg != p {
			continue
		}
		var message string
		switch {
		case slices.Contains(vetReasons, f.Reason):
			message = fmt.Sprintf("%s: %s (%s)", f.Fails, f.Why, f.Reason)
		case f.Signature == sigIncompatible:
			message = fmt.Sprintf("%s -> %s: UNSAFE signature, %s: %s", f.Local, f.Target, riskText[f.Risk], strings.Join(f.Diffs, "; "))
		default:
			continue
		}
		pos := vetPosition(tc.fset, p, f)
		// cmd/cgo's own files (_cgo_gotypes.go) are the toolchain's; the
		// files it rewrites point back to the package's with //line.
		if !strings.HasPrefix(pos.Filename, cfg.Dir+string(filepath.Separator)) {
			continue
		}
		posn := pos.String()
		diags = append(diags, vetDiagnostic{Posn: posn, End: posn, Message: message})
	}
	return diags, nil
}

// packagePath is the package's path without the test variant's suffix:
// "p [p.test]" is p, compiled with its tests.
func packagePath(id string) string {
	path, _, _ := strings.Cut(id, " [")
	return path
}

// relativeTo names file from dir, as the loader names a package's files
// (cgo's output lives elsewhere: "../..." then).
func relativeTo(dir, file string) string {
	if rel, err := filepath.Rel(dir, file); err == nil {
		return rel
	}
	return file
}

// scanFile returns the file's package name and whether it declares a
// function without a body; a file that does not parse counts as one, so
// that the loader reports its error.
func scanFile(fset *token.FileSet, file string, src []byte) (name string, bodyless bool) {
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if f != nil && f.Name != nil {
		name = f.Name.Name
	}
	if err != nil {
		return name, true
	}
	return name, slices.ContainsFunc(f.Decls, func(d ast.Decl) bool {
		fn, ok := d.(*ast.FuncDecl)
		return ok && fn.Body == nil
	})
}

// vetPosition finds a finding's line and column in the package's syntax:
// the directive's comment, or the bodyless function's declaration. The
// finding's own position is file:line, the file absolute.
func vetPosition(fset *token.FileSet, p *pkg, f finding) token.Position {
	colon := strings.LastIndex(f.Pos, ":")
	file := f.Pos[:max(colon, 0)]
	line, _ := strconv.Atoi(f.Pos[colon+1:])
	for _, d := range p.directives {
		if d.Local == f.Local && d.Line == line && d.File == filepath.Base(file) {
			return fset.Position(d.pos)
		}
	}
	for _, af := range p.files {
		for _, decl := range af.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body == nil && fn.Recv == nil && fn.Name.Name == f.Local {
				return fset.Position(fn.Pos())
			}
		}
	}
	return token.Position{Filename: file, Line: line}
}
