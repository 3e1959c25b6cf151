package main

import (
	"go/ast"
	"go/token"
	"go/types"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Type-checking on demand. The checks need the types of a few
// declarations: a directive's local name and its target, a bodyless
// function, a pushed body. Checking whole packages for them means
// checking most of the program (every package they import, and theirs).
// Instead, a typeChecker keeps of each package only the declarations
// that the checks asked for and those that their types name, in this
// package or another, found from the syntax: the types of what it keeps
// are the ones a whole check gives. A type brings its methods; a
// constant brings its whole group (iota); a variable with a written type
// comes without its initial value, and one without, with it.
//
// The checks ask as they go. When they ask for a declaration of a
// package already checked without it, the typeChecker notes a miss, and
// analyze runs the checks again, over packages checked with everything
// asked so far, so that every package is checked once per run and its
// types are the same objects wherever they turn up (types.Identical).

type typeChecker struct {
	prog *program
	// all: check every declaration of every package, as a whole check
	// does (the reference that the tests hold the partial one to).
	all     bool
	index   map[*pkg]*declIndex
	demand  map[*pkg]map[string]bool // the package-level names to keep
	imports map[*pkg]map[string]bool // the import paths the kept ones use
	checked map[*pkg]*types.Package
	missed  bool
}

// A declIndex says where a package declares each package-level name.
type declIndex struct {
	decls   map[string][]declPart
	methods map[string][]declPart // receiver base type -> its methods
	// files[i] maps the names under which p.files[i] imports packages to
	// their paths ("." lists the dot imports).
	files []map[string][]string
}

// A declPart is one declaration of a name: a function, a var or type
// spec, or a whole const group.
type declPart struct {
	file int
	decl ast.Decl
	spec ast.Spec // nil for a function or a const group
}

func newTypeChecker(prog *program, all bool) *typeChecker {
	return &typeChecker{prog: prog, all: all, index: map[*pkg]*declIndex{}, demand: map[*pkg]map[string]bool{},
		imports: map[*pkg]map[string]bool{}, checked: map[*pkg]*types.Package{}}
}

// again forgets the packages checked, keeping what was asked of them, for
// another run of the checks. After a few runs it checks everything.
func (tc *typeChecker) again(runs int) {
	tc.checked, tc.missed = map[*pkg]*types.Package{}, false
	if runs >= 3 {
		tc.all = true
	}
}

// syntax makes sure p's files are parsed: a package read from the cache
// or left for later has none yet.
func (prog *program) syntax(p *pkg) {
	p.syntaxOnce.Do(func() {
		switch {
		case p.later:
			prog.readLater(p)
		case p.files == nil:
			prog.parseSkeleton(p)
		}
	})
}

// typesFor returns p's types, checked with (at least) the declarations of
// names. A name p does not declare is no miss: the lookup finds nothing,
// as it would in a whole check.
func (a *analysis) typesFor(p *pkg, names ...string) *types.Package {
	for _, name := range names {
		a.tcheck.need(p, name)
	}
	return a.tcheck.check(p)
}

// object returns the package-level object that p declares as name, or nil.
func (a *analysis) object(p *pkg, name string) types.Object {
	return a.typesFor(p, name).Scope().Lookup(name)
}

// needSymbol asks for the declaration that a symbol names: a function or
// variable, or for a method, its type.
func (a *analysis) needSymbol(sym string) {
	path, name := splitSymbol(sym)
	p := a.byPath[path]
	if path == "main" {
		for _, m := range a.mains {
			p = m
		}
	}
	if p == nil {
		return
	}
	if recv, _, isMethod := strings.Cut(name, "."); isMethod {
		name = strings.Trim(recv, "(*)")
	}
	a.tcheck.need(p, name)
}

// seedTypes asks, before the checks run, for what they will ask first:
// the local names and targets of the reported packages' directives, the
// bodies pushed into those targets, and the bodyless functions.
func (a *analysis) seedTypes(report []*pkg) {
	pushes := map[string][]directive{}
	pushers := map[string][]*pkg{}
	for _, p := range a.pkgs {
		for _, d := range p.directives {
			if d.Target != "" {
				pushes[d.Target] = append(pushes[d.Target], d)
				pushers[d.Target] = append(pushers[d.Target], p)
			}
		}
	}
	var seeded []*pkg
	for _, p := range report {
		if len(p.directives) > 0 || p.bodyless {
			seeded = append(seeded, p)
		}
	}
	// Their syntax first, and their targets', side by side.
	parse := slices.Clone(seeded)
	for _, p := range seeded {
		for _, d := range p.directives {
			if q := a.byPath[symbolPath(d.Target)]; q != nil {
				parse = append(parse, q)
			}
			parse = append(parse, pushers[d.Target]...)
		}
	}
	sideBySide(parse, a.syntax)
	for _, p := range seeded {
		for _, d := range p.directives {
			a.tcheck.need(p, d.Local)
			if d.Target == "" {
				continue
			}
			a.needSymbol(d.Target)
			for i, push := range pushes[d.Target] {
				a.tcheck.need(pushers[d.Target][i], push.Local)
			}
		}
		for _, f := range p.files {
			for _, decl := range f.Decls {
				if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body == nil && fn.Recv == nil {
					a.tcheck.need(p, fn.Name.Name)
				}
			}
		}
	}
}

// sideBySide runs do on each package, as many at a time as there are
// cores, and returns when all are done.
func sideBySide(ps []*pkg, do func(*pkg)) {
	var wg sync.WaitGroup
	busy := make(chan bool, runtime.GOMAXPROCS(0))
	for _, p := range ps {
		wg.Add(1)
		busy <- true
		go func() {
			defer wg.Done()
			do(p)
			<-busy
		}()
	}
	wg.Wait()
}

// need keeps p's declaration of name, and what its type names.
func (tc *typeChecker) need(p *pkg, name string) {
	if tc.all || p.ImportPath == "unsafe" || tc.demand[p][name] {
		return
	}
	ix := tc.indexOf(p)
	parts, declared := ix.decls[name]
	if !declared {
		return
	}
	if tc.demand[p] == nil {
		tc.demand[p] = map[string]bool{}
	}
	tc.demand[p][name] = true
	if _, done := tc.checked[p]; done {
		tc.missed = true
	}
	for _, part := range parts {
		tc.needIn(p, ix, part)
	}
	for _, m := range ix.methods[name] {
		tc.needIn(p, ix, m)
	}
}

// needIn asks for what one declaration's type names.
func (tc *typeChecker) needIn(p *pkg, ix *declIndex, part declPart) {
	var exprs []ast.Expr
	add := func(es ...ast.Expr) {
		for _, e := range es {
			if e != nil {
				exprs = append(exprs, e)
			}
		}
	}
	switch d := part.decl.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil {
			for _, f := range d.Recv.List {
				add(f.Type)
			}
		}
		add(d.Type)
	case *ast.GenDecl:
		switch s := part.spec.(type) {
		case *ast.TypeSpec:
			if s.TypeParams != nil {
				add(&ast.FuncType{Params: s.TypeParams})
			}
			add(s.Type)
		case *ast.ValueSpec:
			add(s.Type)
			if s.Type == nil {
				add(s.Values...)
			}
		case nil: // a const group: all of it
			for _, spec := range d.Specs {
				vs := spec.(*ast.ValueSpec)
				add(vs.Type)
				add(vs.Values...)
				for _, n := range vs.Names {
					tc.need(p, n.Name)
				}
			}
		}
	}
	imports := ix.files[part.file]
	for _, path := range imports["."] {
		tc.useImport(p, path)
		tc.needAll(path)
	}
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			ast.Inspect(n.Type, visit)
			return false // its body is not checked
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok {
				if paths, ok := imports[x.Name]; ok {
					for _, path := range paths {
						tc.useImport(p, path)
						if q := tc.prog.byPath[path]; q != nil {
							tc.need(q, n.Sel.Name)
						}
					}
					return false
				}
			}
		case *ast.Ident:
			tc.need(p, n.Name)
		}
		return true
	}
	for _, e := range exprs {
		ast.Inspect(e, visit)
	}
}

func (tc *typeChecker) useImport(p *pkg, path string) {
	if tc.imports[p] == nil {
		tc.imports[p] = map[string]bool{}
	}
	tc.imports[p][path] = true
}

// needAll keeps every declaration of the package at path: a dot import
// makes its names this file's, which the syntax cannot tell apart.
func (tc *typeChecker) needAll(path string) {
	q := tc.prog.byPath[path]
	if q == nil {
		return
	}
	for name := range tc.indexOf(q).decls {
		tc.need(q, name)
	}
}

// indexOf indexes p's declarations, parsing p first if need be.
func (tc *typeChecker) indexOf(p *pkg) *declIndex {
	if ix := tc.index[p]; ix != nil {
		return ix
	}
	tc.prog.syntax(p)
	ix := &declIndex{decls: map[string][]declPart{}, methods: map[string][]declPart{}}
	for i, f := range p.files {
		names := map[string][]string{}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			name := ""
			switch {
			case imp.Name != nil:
				name = imp.Name.Name
			case tc.prog.byPath[path] != nil:
				name = tc.prog.byPath[path].Name
			}
			if name != "" && name != "_" {
				names[name] = append(names[name], path)
			}
		}
		ix.files = append(ix.files, names)
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					ix.decls[d.Name.Name] = append(ix.decls[d.Name.Name], declPart{i, d, nil})
				} else if base := recvBase(d); base != "" {
					ix.methods[base] = append(ix.methods[base], declPart{i, d, nil})
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						ix.decls[s.Name.Name] = append(ix.decls[s.Name.Name], declPart{i, d, s})
					case *ast.ValueSpec:
						part := declPart{i, d, s}
						if d.Tok == token.CONST {
							part.spec = nil
						}
						for _, n := range s.Names {
							ix.decls[n.Name] = append(ix.decls[n.Name], part)
						}
					}
				}
			}
		}
	}
	delete(ix.decls, "_")
	tc.index[p] = ix
	return ix
}

// recvBase is the name of a method's receiver type: T in T, *T, T[P].
func recvBase(method *ast.FuncDecl) string {
	if len(method.Recv.List) == 0 {
		return ""
	}
	e := method.Recv.List[0].Type
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// check type-checks p with the declarations asked for so far, once per
// run of the checks.
func (tc *typeChecker) check(p *pkg) *types.Package {
	if p.ImportPath == "unsafe" {
		return types.Unsafe
	}
	if t, done := tc.checked[p]; done {
		return t
	}
	tc.prog.syntax(p)
	files := p.files
	if !tc.all {
		files = tc.kept(p)
	}
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			if q := tc.prog.byPath[path]; q != nil {
				return tc.check(q), nil
			}
			return nil, errNotLoaded(path)
		}),
		// The checks read function bodies by name, from the syntax: the
		// types of declarations are all they need of the type checker.
		IgnoreFuncBodies: true,
		FakeImportC:      true,
		Error:            func(error) {}, // go build reports those; keep going
		Sizes:            tc.prog.sizes,
	}
	t, _ := conf.Check(p.ImportPath, tc.prog.tc.fset, files, nil)
	tc.checked[p] = t
	return t
}

type errNotLoaded string

func (e errNotLoaded) Error() string { return "package " + string(e) + " not loaded" }

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// kept returns copies of p's files that hold only the declarations asked
// for, and the imports those use. The files themselves are shared (by
// every load of a standard-library package) and stay as they are.
func (tc *typeChecker) kept(p *pkg) []*ast.File {
	demand, imports := tc.demand[p], tc.imports[p]
	var files []*ast.File
	for _, f := range p.files {
		nf := *f
		nf.Decls = nil
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && demand[d.Name.Name] || d.Recv != nil && demand[recvBase(d)] {
					nf.Decls = append(nf.Decls, d)
				}
			case *ast.GenDecl:
				if nd := keptSpecs(p, d, demand, imports); nd != nil {
					nf.Decls = append(nf.Decls, nd)
				}
			}
		}
		files = append(files, &nf)
	}
	return files
}

// keptSpecs returns a copy of d with the specs asked for, or nil.
func keptSpecs(p *pkg, d *ast.GenDecl, demand, imports map[string]bool) *ast.GenDecl {
	nd := *d
	nd.Specs = nil
	for _, spec := range d.Specs {
		switch s := spec.(type) {
		case *ast.ImportSpec:
			path, _ := strconv.Unquote(s.Path.Value)
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			if path == "C" || path == "unsafe" || imports[path] && (s.Name == nil || s.Name.Name != "_") {
				nd.Specs = append(nd.Specs, s)
			}
		case *ast.TypeSpec:
			if demand[s.Name.Name] {
				nd.Specs = append(nd.Specs, s)
			}
		case *ast.ValueSpec:
			if !namesAsked(s.Names, demand) {
				continue
			}
			if d.Tok == token.CONST {
				return d // a group, whole: its specs repeat the ones above
			}
			ns := *s
			if s.Type != nil {
				ns.Values = nil // the written type is the variable's
			}
			nd.Specs = append(nd.Specs, &ns)
		}
	}
	if len(nd.Specs) == 0 {
		return nil
	}
	return &nd
}

func namesAsked(names []*ast.Ident, demand map[string]bool) bool {
	for _, n := range names {
		if demand[n.Name] {
			return true
		}
	}
	return false
}
