package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// A pkg is one package of the build, parsed and type-checked once.
type pkg struct {
	ImportPath     string
	Name           string
	Match          []string
	Dir            string
	GoFiles        []string
	CgoFiles       []string
	IgnoredGoFiles []string
	SFiles         []string
	// The files of other languages: with any of them, or CgoFiles or
	// SFiles, a function may be declared without a body (see complete).
	CFiles, CXXFiles, MFiles, FFiles, SysoFiles, SwigFiles, SwigCXXFiles []string
	Deps                                                                 []string
	ImportMap                                                            map[string]string
	Standard                                                             bool
	DepOnly                                                              bool
	Module                                                               *struct{ Path, Version, Dir, GoVersion string }
	Error                                                                *struct{ Err string }

	files      []*ast.File
	directives []directive
	deps       map[string]bool
	asmDefs    []asmSymbol     // the functions its assembly defines
	asmRefs    []asmSymbol     // the other packages' symbols its assembly uses
	asmNames   map[string]bool // its own names that its assembly uses (read, not cached)
	cgoExports map[string]bool // the functions a cgo file's //export names (read, not cached)
	defs       []string        // the funcs (with bodies) and vars its Go code defines
	bodyless   bool            // it declares a function without a body
	// For a package with directives: the names its code uses. For one
	// that reach follows: what each function names, and the roots.
	used  map[string]bool
	refs  map[string][]string
	roots []string
	// undefined is the first name that its code uses and nothing
	// declares, outside the standard library: the compiler stops there.
	undefined *undefinedName
	// methodDecls: its methods, for methodReach (a copy of the package
	// that methodReach reads has them).
	methodDecls []methodDecl
	// skeleton holds, for a package read from the cache, its blanked
	// sources, parsed only if it must be type-checked.
	skeleton map[string]string

	readOnce sync.Once
	readErr  error
	// later: parse left it unread, for readLater.
	later     bool
	laterOnce sync.Once
	// syntaxOnce: the files parsed, for the type checker (see syntax).
	syntaxOnce sync.Once
	// sum: sourceSum's, once; stampSum: stamp's, once.
	sumOnce   sync.Once
	sum       string
	stampOnce sync.Once
	stampSum  string
}

// symPath is the package's name in symbols: the linker calls a command's
// symbols main.*, whatever its import path.
func (p *pkg) symPath() string {
	if p.Name == "main" {
		return "main"
	}
	return p.ImportPath
}

// ignoresUndeclared reports whether the compiler lets a directive name
// something that is not a declared function or variable: it does when
// the language version that the go command gives it (-lang, from the
// module's go.mod, 1.16 when go.mod names none) is before Go 1.18, as
// collectDecls in cmd/compile/internal/noder/writer.go says.
func (p *pkg) ignoresUndeclared() bool {
	if p.Module == nil {
		return false // the standard library, or no module: the Go itself
	}
	v := p.Module.GoVersion
	if v == "" {
		v = "1.16"
	}
	major, rest, _ := strings.Cut(v, ".")
	minor, _, _ := strings.Cut(rest, ".")
	mj, err1 := strconv.Atoi(major)
	mn, err2 := strconv.Atoi(minor)
	return err1 == nil && err2 == nil && (mj < 1 || mj == 1 && mn < 18)
}

// complete reports whether the go command tells the compiler that the
// package's Go files are all of it (-complete), which makes a function
// declared without a body an error: it does when the package has no file
// of another language, cgo files and assembly included (cmd/go's
// internal/work/gc.go, which also passes over a few standard-library
// packages that the runtime completes).
func (p *pkg) complete() bool {
	return len(p.CgoFiles)+len(p.CFiles)+len(p.CXXFiles)+len(p.MFiles)+len(p.FFiles)+len(p.SFiles)+
		len(p.SysoFiles)+len(p.SwigFiles)+len(p.SwigCXXFiles) == 0
}

// module names the package's module as module@version ("std" for the
// standard library).
func (p *pkg) module() string {
	switch {
	case p.Standard:
		return "std"
	case p.Module == nil:
		return p.ImportPath
	case p.Module.Version == "":
		return p.Module.Path
	}
	return p.Module.Path + "@" + p.Module.Version
}

// program is every package that the patterns need, in dependency order.
type program struct {
	tc      *toolchain
	pkgs    []*pkg
	byPath  map[string]*pkg
	overlay map[string]string // file -> the file standing in for it
	sizes   types.Sizes
	dir     string // where the go command ran; positions are relative to it
	// foreignObjects: the packages whose C objects the Go linker cannot
	// link itself (see hostLinked).
	foreignObjects map[string]bool
}

// load lists the packages with go list, run in dir, then reads each one:
// its directives, definitions and assembly, from the cache when they are
// there. Type-checking waits until analyze needs a package's types.
func load(tc *toolchain, dir string, patterns []string, overlayFile string) (*program, error) {
	args := []string{"list", "-e", "-deps", "-json=ImportPath,Name,Match,Dir,GoFiles,CgoFiles,IgnoredGoFiles,SFiles,CFiles,CXXFiles,MFiles,FFiles,SysoFiles,SwigFiles,SwigCXXFiles,Deps,ImportMap,Standard,DepOnly,Module,Error"}
	prog := &program{tc: tc, byPath: map[string]*pkg{}, overlay: map[string]string{},
		sizes: types.SizesFor("gc", tc.goarch), dir: dir}
	if overlayFile != "" {
		args = append(args, "-overlay", overlayFile)
		data, err := os.ReadFile(overlayFile)
		if err != nil {
			return nil, err
		}
		var o struct{ Replace map[string]string }
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, fmt.Errorf("%s: %v", overlayFile, err)
		}
		for k, v := range o.Replace {
			prog.overlay[k] = v
		}
	}
	out, addedRuntime, err := goList(tc, dir, args, patterns)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		p := new(pkg)
		if err := dec.Decode(p); err != nil {
			return nil, err
		}
		if prog.byPath[p.ImportPath] != nil {
			continue // listed twice: see goList
		}
		if err := p.listError(); err != nil {
			return nil, err
		}
		p.DepOnly = p.DepOnly || addedRuntime && p.ImportPath == "runtime"
		p.deps = map[string]bool{}
		for _, d := range p.Deps {
			p.deps[d] = true
		}
		prog.pkgs = append(prog.pkgs, p)
		prog.byPath[p.ImportPath] = p
	}
	if err := prog.unmatched(patterns); err != nil {
		return nil, err
	}
	if err := prog.findForeignObjects(); err != nil {
		return nil, err
	}
	// Reading each package does not depend on the others: do it side
	// by side. A standard-library package that another load with this
	// toolchain reads, or has read, is shared, and read once.
	var wg sync.WaitGroup
	errs := make([]error, len(prog.pkgs))
	// One package per core at a time: more only holds more in memory.
	busy := make(chan bool, runtime.GOMAXPROCS(0))
	for i, p := range prog.pkgs {
		if p.Standard {
			p = tc.sharedStd(p)
			prog.pkgs[i], prog.byPath[p.ImportPath] = p, p
		}
	}
	for i, p := range prog.pkgs {
		wg.Add(1)
		busy <- true
		go func() {
			defer wg.Done()
			p.readOnce.Do(func() { p.readErr = prog.parse(p) })
			errs[i] = p.readErr
			<-busy
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return prog, nil
}

// sharedStd returns the standard-library package that an earlier load
// with this toolchain read, or else files p as the one to share.
func (tc *toolchain) sharedStd(p *pkg) *pkg {
	tc.stdMu.Lock()
	defer tc.stdMu.Unlock()
	if shared := tc.stdPkg[p.ImportPath]; shared != nil {
		return shared
	}
	tc.stdPkg[p.ImportPath] = p
	return p
}

// parse reads the package's Go files (cgo files included) and its
// assembly.
func (prog *program) parse(p *pkg) error {
	cacheFile := prog.skeletonFile(p)
	if cacheFile != "" && prog.readSkeleton(p, cacheFile) {
		return nil
	}
	if cacheFile != "" {
		p.stamp() // before the files are read: see stamp
	}
	sources := map[string][]byte{}
	linknames := false
	for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
		file := filepath.Join(p.Dir, name)
		if stand, ok := prog.overlay[file]; ok {
			file = stand
		}
		src, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		sources[name] = src
		linknames = linknames || bytes.Contains(src, []byte("//go:linkname"))
	}
	// A package of the standard library or the module cache without
	// directives or assembly matters only if another refers to it: it is
	// parsed then (see readLater).
	if cacheFile != "" && !linknames && len(p.SFiles) == 0 {
		p.later = true
		if !p.Standard {
			p.undefined = prog.firstUndefined(p, prog.parseForNames(p, sources))
		}
		prog.writeSkeleton(p, cacheFile, nil)
		return nil
	}
	return prog.readSources(p, cacheFile, sources)
}

// readSources parses the package's sources and reads its assembly.
func (prog *program) readSources(p *pkg, cacheFile string, sources map[string][]byte) error {
	p.files, p.directives = nil, nil // from a skeleton that failed halfway
	for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
		if err := prog.parseFile(p, filepath.Join(p.Dir, name), sources[name]); err != nil {
			return err
		}
	}
	p.readAssembly()
	p.learnFacts()
	if !p.Standard {
		p.undefined = prog.firstUndefined(p, p.files)
	}
	if !p.Standard && len(p.directives) > 0 {
		p.used = usedNames(p)
	}
	prog.references(p)
	if cacheFile != "" {
		prog.writeSkeleton(p, cacheFile, sources)
	}
	return nil
}

// readLater reads a package that parse left for later, once: another
// package refers to one of its symbols, or needs its types.
func (prog *program) readLater(p *pkg) {
	p.laterOnce.Do(func() {
		if !p.later {
			return
		}
		sources := map[string][]byte{}
		for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
			src, err := os.ReadFile(filepath.Join(p.Dir, name))
			if err != nil {
				return
			}
			sources[name] = src
		}
		prog.readSources(p, prog.skeletonFile(p), sources)
	})
}

// learnFacts notes what analyze needs of a package that it may not
// type-check: the names its Go code defines, whether it declares
// bodyless functions, and which directives name a function with a body.
func (p *pkg) learnFacts() {
	bodies := map[string]bool{}
	for _, f := range p.files {
		for _, d := range linkDecls(f) {
			switch {
			case d.method:
			case d.variable:
				p.defs = append(p.defs, d.name)
				bodies[d.name] = d.defined
			case !d.defined:
				p.bodyless = true
			default:
				bodies[d.name] = true
				p.defs = append(p.defs, d.name)
			}
		}
	}
	for i, d := range p.directives {
		p.directives[i].HasBody = bodies[d.Local]
	}
}

// cgoExport matches cgo's //export directive, which makes C callers of a
// function that the linker keeps.
var cgoExport = regexp.MustCompile(`(?m)^//export ([\pL_][\pL\pN_]*)`)

func (prog *program) parseFile(p *pkg, path string, src []byte) error {
	// Comments matter only for the directives among them. Outside the
	// standard library, the parser's resolution of names finds those
	// that nothing declares.
	mode := parser.SkipObjectResolution
	if !p.Standard {
		mode = 0
	}
	if bytes.Contains(src, []byte("//go:linkname")) {
		mode |= parser.ParseComments
	}
	f, err := parser.ParseFile(prog.tc.fset, path, src, mode)
	// The go command would stop at a syntax error in the program's own
	// code: so does linkcheck, with the parser's first error. A package
	// of the standard library may use syntax newer than the parser knows.
	if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 && !p.Standard {
		pos := list[0].Pos
		if rel, err := filepath.Rel(prog.dir, pos.Filename); err == nil {
			pos.Filename = rel
		}
		return fmt.Errorf("%s: %s", pos, list[0].Msg)
	}
	if err != nil && f == nil {
		return err
	}
	p.files = append(p.files, f)
	for _, m := range cgoExport.FindAllSubmatch(src, -1) {
		if p.cgoExports == nil {
			p.cgoExports = map[string]bool{}
		}
		p.cgoExports[string(m[1])] = true
	}
	for _, d := range directivesIn(prog.tc.fset, f, src) {
		d.File, d.Line = filepath.Base(path), prog.tc.fset.Position(d.pos).Line
		p.directives = append(p.directives, d)
	}
	return nil
}

// tables returns the composite literals that initialize the variables of
// a declaration, when their type does not depend on their elements:
// their contents are left out of the cache.
func tables(gd *ast.GenDecl) []*ast.CompositeLit {
	var lits []*ast.CompositeLit
	if gd.Tok != token.VAR {
		return nil
	}
	for _, spec := range gd.Specs {
		for _, v := range spec.(*ast.ValueSpec).Values {
			lit, ok := v.(*ast.CompositeLit)
			if !ok || lit.Type == nil {
				continue
			}
			if at, ok := lit.Type.(*ast.ArrayType); ok && at.Len != nil {
				if _, ellipsis := at.Len.(*ast.Ellipsis); ellipsis {
					continue
				}
			}
			lits = append(lits, lit)
		}
	}
	return lits
}

// An undefinedName is a name that code uses and nothing declares.
type undefinedName struct {
	Name, File string
	Line, Col  int
}

// parseForNames parses a package that parse leaves for later, only to
// find its undefined names.
func (prog *program) parseForNames(p *pkg, sources map[string][]byte) []*ast.File {
	var files []*ast.File
	for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
		f, err := parser.ParseFile(prog.tc.fset, filepath.Join(p.Dir, name), sources[name], 0)
		if err != nil {
			return nil // go build says why; the other checks go on
		}
		files = append(files, f)
	}
	return files
}

// firstUndefined returns the first name, by position, that files (a
// package's) use and that neither the package, nor the file's imports,
// nor the language declares: "undefined: name", as the compiler says. A
// file with a dot import is passed over.
func (prog *program) firstUndefined(p *pkg, files []*ast.File) *undefinedName {
	declared := map[string]bool{}
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					declared[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.ValueSpec:
						for _, n := range s.Names {
							declared[n.Name] = true
						}
					case *ast.TypeSpec:
						declared[s.Name.Name] = true
					}
				}
			}
		}
	}
	var first *ast.Ident
	for _, f := range files {
		imported, known := prog.importNames(p, f)
		if !known {
			continue
		}
		for _, id := range f.Unresolved {
			if declared[id.Name] || imported[id.Name] || types.Universe.Lookup(id.Name) != nil {
				continue
			}
			if first == nil || prog.tc.fset.Position(id.Pos()).Filename == prog.tc.fset.Position(first.Pos()).Filename && id.Pos() < first.Pos() {
				first = id
			}
		}
		if first != nil {
			break // the first file, in the go command's order, with one
		}
	}
	if first == nil {
		return nil
	}
	pos := prog.tc.fset.Position(first.Pos())
	return &undefinedName{Name: first.Name, File: pos.Filename, Line: pos.Line, Col: pos.Column}
}

// importNames returns the names under which file f of p imports packages,
// and false when it cannot tell them all (a dot import, or a package that
// is not loaded).
func (prog *program) importNames(p *pkg, f *ast.File) (map[string]bool, bool) {
	names := map[string]bool{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		switch {
		case imp.Name != nil && imp.Name.Name == ".":
			return nil, false
		case imp.Name != nil:
			names[imp.Name.Name] = true
		case path == "C" || path == "unsafe":
			names[path] = true
		default:
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			q := prog.byPath[path]
			if q == nil {
				return nil, false
			}
			names[q.Name] = true
		}
	}
	return names, true
}
