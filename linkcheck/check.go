package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// asmReference is the local name of a reference made from assembly.
const asmReference = "assembly reference"

// options are the command line's choices.
type options struct {
	checkOff bool // the program is linked with -ldflags=-checklinkname=0
	std      bool // report the standard library's own lines too
	// asmLinks: report the assembly references that link too, so that
	// -upgrade can pair a reference that one Go refuses with the other's.
	asmLinks bool
	// noPromises: leave out whether each pull is promised (promise.go),
	// which -ports and the vet mode do not report.
	noPromises bool
	// allTypes: type-check every declaration, not only those the checks
	// need (see typeChecker), as the tests that hold the one to the
	// other do.
	allTypes bool
}

// analysis holds what analyze derives from a program.
type analysis struct {
	*program
	opts options
	// defs maps a symbol to what defines it in the loaded packages.
	defs map[string][]definition
	// reached holds the functions and variables ("path.name") that code
	// the linker keeps refers to; nil when no main package is loaded.
	reached map[string]bool
	mains   []*pkg
	// indexed: the packages left for later that were read and indexed
	// since.
	indexed map[*pkg]bool
	tcheck  *typeChecker
	// bodyErrs: the first error of each package whose bodies do not
	// compile.
	bodyErrs map[*pkg]*bodyError
	// uncached: the packages that have no cache entry; placeSums: where
	// each one's files are (see verdictFile).
	uncachedOnce sync.Once
	uncached     map[*pkg]bool
	placeSums    map[*pkg]string
	// methodReached: what methodReach finds, once asked (see linkerKeeps).
	methodReachOnce sync.Once
	methodReached   map[string]bool
}

// A definition gives a symbol its body: a Go declaration in the symbol's
// own package, a push from another package, or assembly.
type definition struct {
	pkg  *pkg
	kind string // "go", "push", "assembly"
}

// analyze returns the findings: for a program (a main package among the
// named ones), every package it links; otherwise the named packages.
func analyze(prog *program, opts options) []finding {
	a := &analysis{program: prog, opts: opts, defs: map[string][]definition{}, indexed: map[*pkg]bool{},
		tcheck: newTypeChecker(prog, opts.allTypes)}
	var named []*pkg
	for _, p := range prog.pkgs {
		a.index(p)
		if !p.DepOnly {
			named = append(named, p)
			if p.Name == "main" {
				a.mains = append(a.mains, p)
			}
		}
	}
	report := named
	if len(a.mains) > 0 {
		a.reach()
		report = nil
		for _, p := range prog.pkgs {
			if !p.Standard || opts.std || !p.DepOnly {
				report = append(report, p)
			}
		}
	}
	// The directives of the files the build leaves out: read once, side
	// by side (a package may leave out hundreds of files).
	excluded := make([][]finding, len(report))
	sideBySide(report, func(p *pkg) { excluded[slices.Index(report, p)] = a.excluded(p) })
	a.seedTypes(report)
	a.bodyErrs = a.bodyErrors(report)
	for runs := 1; ; runs++ {
		var findings []finding
		for i, p := range report {
			findings = append(findings, a.checkPackage(p)...)
			findings = append(findings, excluded[i]...)
		}
		if !a.tcheck.missed {
			if !opts.noPromises {
				a.notePromises(findings)
			}
			return findings
		}
		a.tcheck.again(runs)
	}
}

// index files what p defines and uses.
func (a *analysis) index(p *pkg) {
	file := func(sym, kind string) {
		if !slices.Contains(a.defs[sym], definition{p, kind}) {
			a.defs[sym] = append(a.defs[sym], definition{p, kind})
		}
	}
	for _, name := range p.defs {
		file(p.symPath()+"."+name, "go")
	}
	for _, d := range p.directives {
		if d.Target != "" && d.Args == 2 && d.HasBody && a.active(d) {
			file(d.Target, "push")
		}
	}
	for _, s := range p.asmDefs {
		file(s.Sym, "assembly")
	}
}

// usedNames lists the names that p's code uses, leaving out the names
// its declarations give and the names after a dot: the compiler emits a
// reference to a declaration only where the code names it.
func usedNames(p *pkg) map[string]bool {
	declared := map[*ast.Ident]bool{}
	used := map[string]bool{}
	for _, f := range p.files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				declared[d.Name] = true
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							declared[n] = true
						}
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				ast.Inspect(n.X, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && !declared[id] {
						used[id.Name] = true
					}
					return true
				})
				return false
			case *ast.Ident:
				if !declared[n] {
					used[n.Name] = true
				}
			}
			return true
		})
	}
	return used
}

// definitions returns what defines sym, reading the symbol's package
// first if parse left it for later.
func (a *analysis) definitions(sym string) []definition {
	path, _ := splitSymbol(sym)
	if p := a.byPath[path]; p != nil && p.later && !a.indexed[p] {
		a.readLater(p)
		a.index(p)
		a.indexed[p] = true
	}
	return a.defs[sym]
}

// active reports whether the toolchain reads the directive at all: Go
// before 1.27 ignores //go:linknamestd.
func (a *analysis) active(d directive) bool {
	return !d.StdOnly || a.tc.rules.linknameStd
}

// checkPackage returns the findings for one package: its directives, its
// bodyless functions and its assembly's references.
func (a *analysis) checkPackage(p *pkg) []finding {
	var findings []finding
	if u := p.undefined; u != nil && !p.Standard {
		fd := a.newFinding(p, token.Position{Filename: u.File, Line: u.Line}, u.Name, "")
		fd.Mode = modeNone
		why := "nothing declares " + u.Name + " in the files of " + p.ImportPath + " that this build compiles"
		if file := a.declaredIn(p.Dir, p.IgnoredGoFiles, u.Name); file != "" {
			why += ": a build constraint leaves out " + file + ", which declares it"
		}
		fd.fail(reasonCompileError, "undefined: "+u.Name, why)
		findings = append(findings, fd)
	}
	if e := a.bodyErrs[p]; e != nil {
		fd := a.newFinding(p, token.Position{Filename: filepath.Join(p.Dir, e.File), Line: e.Line, Column: e.Col}, "", "")
		fd.Mode = modeNone
		fd.fail(reasonCompileError, e.Msg, "the compiler stops at this error in "+p.ImportPath+", on "+a.tc.goos+"/"+a.tc.goarch+" with "+a.tc.version)
		findings = append(findings, fd)
	}
	if len(p.directives) > 0 || p.bodyless {
		a.syntax(p) // when it comes from the cache
	}
	named := map[string]bool{} // locals that carry a directive
	for _, d := range p.directives {
		if !a.active(d) {
			continue
		}
		fd := a.checkDirective(p, d, named[d.Local])
		named[d.Local] = true
		findings = append(findings, fd)
	}
	// The go command lets some standard-library packages declare
	// functions that the runtime pushes bodies into.
	if !p.Standard {
		findings = append(findings, a.checkBodies(p, named)...)
	}
	return append(findings, a.checkAssemblyRefs(p)...)
}

func (a *analysis) checkDirective(p *pkg, d directive, duplicate bool) finding {
	fd := a.newFinding(p, p.at(d), d.Local, d.Target)
	verb := "//go:linkname"
	if d.StdOnly {
		verb = "//go:linknamestd"
	}
	decl, hasBody := findDecl(p, d.Local)
	fd.Mode = modeMarking
	switch {
	case d.Target == "":
	case hasBody:
		fd.Mode = modePush
	default:
		fd.Mode = modePull
	}
	// The compiler stops at these, before the linker has a say.
	switch {
	case d.Misplaced:
		fd.fail(reasonMisplaced, "misplaced compiler directive", "code comes before it on its line: a directive must be on a line of its own")
		return fd
	case d.Args < 1 || d.Args > 2:
		fd.fail(reasonUsage, "usage: "+verb+" localname [linkname]", "one or two names after the directive")
		return fd
	case !d.ImportsUnsafe:
		fd.fail(reasonNoUnsafe, verb+` only allowed in Go files that import "unsafe"`, "this file does not import it")
		return fd
	case strings.Contains(d.Target, "[") && strings.Contains(d.Target, "]"):
		fd.fail(reasonInstantiation, verb+" reference of an instantiation is not allowed",
			"the symbols of a generic function's instances are the compiler's business")
		return fd
	case decl == nil && p.ignoresUndeclared():
		fd.allow(reasonIgnored, "", "no func or var named "+d.Local+" in "+p.ImportPath+
			", and its go.mod says a Go before 1.18, where the compiler ignores such a directive")
		return fd
	case decl == nil:
		fd.fail(reasonNotDeclared, verb+" must refer to declared function or variable", "no func or var named "+d.Local+" in "+p.ImportPath)
		return fd
	case duplicate:
		fd.fail(reasonDuplicate, "duplicate "+verb+" for "+d.Local, "one directive per name")
		return fd
	}
	local := a.object(p, d.Local)
	switch fd.Mode {
	case modeMarking:
		_, isVar := local.(*types.Var)
		a.checkDefined(p, &fd, p.symPath()+"."+d.Local, local, hasBody || isVar)
		if fd.Link == linkOK {
			fd.allow(reasonMarking, "", "marks "+d.Local+" for pulls from other packages")
		}
		return fd
	case modePush:
		a.checkPush(p, &fd, local)
		return fd
	}
	a.checkPull(p, &fd, local)
	return fd
}

// checkPull checks a pull: whether the target exists in the program, what
// the linker says of it, and whether the two declarations agree.
func (a *analysis) checkPull(p *pkg, fd *finding, local types.Object) {
	tpath, tname := splitSymbol(fd.Target)
	target, tp := a.lookup(tpath, tname)
	if target == nil {
		// Nothing in tpath declares it: compare with a pushed body.
		for _, def := range a.definitions(fd.Target) {
			if def.kind == "push" {
				target = a.pushedObject(def.pkg, fd.Target)
				break
			}
		}
	}
	// The target's own package marks it: both sides agree.
	if tp != nil && tp != p {
		if open, _ := a.marksIn(fd.Target, tp); open {
			fd.Mode = modeHandshake
		}
	}
	if a.replacesWrapper(p, fd.Target, local, target, tp) {
		fd.fail(reasonVarOverWrapper, "passed to GetFuncDwarfAuxSyms",
			"the variable replaces "+fd.Target+"'s DUPOK ABI0 wrapper, and the linker meets a variable among the functions (with -ldflags=-w it panics instead)")
	} else {
		a.linkerVerdict(p, fd, tp, local, false)
	}
	if fd.Link == linkOK {
		_, isVar := local.(*types.Var)
		a.checkDefined(p, fd, fd.Target, local, isVar)
	}
	if target != nil && local != nil {
		a.compare(fd, local, target)
	}
}

// replacesWrapper reports whether p's variable local, pulled over sym, the
// Go function target of tp, takes the place of that function's ABI0 wrapper. The
// compiler gives a function an ABI0 wrapper, marked DUPOK, when its own
// package names it in a directive or calls it from assembly; a linker
// whose addSym lets a DUPOK symbol lose keeps the variable, and stops
// when p uses it. Without the register ABI there are no wrappers.
func (a *analysis) replacesWrapper(p *pkg, sym string, local, target types.Object, tp *pkg) bool {
	_, isVar := local.(*types.Var)
	_, hasRegisters := abiRegisters[a.tc.goarch]
	if !a.tc.rules.dupokLoses || !isVar || !hasRegisters || tp == nil || tp == p || !p.used[local.Name()] {
		return false
	}
	if _, isFunc := target.(*types.Func); !isFunc || !slices.Contains(a.definitions(sym), definition{tp, "go"}) {
		return false
	}
	open, stdOnly := a.marksIn(sym, tp)
	return open || stdOnly || slices.ContainsFunc(tp.asmRefs, func(s asmSymbol) bool { return s.Sym == sym })
}

// pushedObject returns the declaration in p that pushes a body into sym.
func (a *analysis) pushedObject(p *pkg, sym string) types.Object {
	for _, d := range p.directives {
		if d.Target == sym {
			return a.object(p, d.Local)
		}
	}
	return nil
}

// checkDefined predicts the linker's "relocation target ... not
// defined": code that the linker keeps refers to a symbol that no package
// of the program defines. Variables are always defined: the local
// declaration gives them storage.
func (a *analysis) checkDefined(p *pkg, fd *finding, sym string, local types.Object, defined bool) {
	if defined || a.definedFor(p, sym) {
		return
	}
	if a.reached == nil {
		fd.Warnings = append(fd.Warnings, "nothing among the loaded packages defines "+sym+
			": every program that uses "+p.ImportPath+" must link a package that does")
		fd.Status = "undefined"
		return
	}
	if key := p.ImportPath + "." + fd.Local; !a.reached[key] || !a.linkerKeeps(key) {
		fd.allow(reasonUnreachable, "", "nothing defines "+sym+", but no code the linker keeps refers to "+fd.Local)
		fd.Status = "undefined"
		return
	}
	fd.Status = "undefined"
	hostLinked := a.hostLinked(p)
	for _, d := range a.definitions(sym) {
		if d.kind == "assembly" {
			why := "only assembly in " + d.pkg.ImportPath + " defines it, and that package declares no Go function for it, from which the compiler would make the ABIInternal wrapper that Go code calls"
			if hostLinked {
				fd.fail(reasonUndefined, hostUndefined(sym), why+"; the host linker links this cgo program, and names the symbol in its own words")
				return
			}
			fd.fail(reasonUndefined, "relocation target "+sym+" not defined for ABIInternal (but is defined for ABI0)", why)
			return
		}
	}
	why := "no package of the program defines it (no Go body, no push, no assembly)"
	if hostLinked {
		fd.fail(reasonUndefined, hostUndefined(sym), why+"; the host linker links this cgo program, and names the symbol in its own words")
		return
	}
	fd.fail(reasonUndefined, "relocation target "+sym+" not defined", why)
}

// definedFor reports whether a program that links p defines sym.
func (a *analysis) definedFor(p *pkg, sym string) bool {
	inProgram := func(q *pkg) bool {
		if a.mains == nil {
			return true
		}
		return slices.ContainsFunc(a.mains, func(m *pkg) bool { return m == q || m.deps[q.ImportPath] })
	}
	if slices.ContainsFunc(a.definitions(sym), func(d definition) bool {
		return inProgram(d.pkg) && (d.kind != "assembly" || a.callableFromGo(d.pkg, sym))
	}) {
		return true
	}
	// A method is defined where its type is.
	tpath, tname := splitSymbol(sym)
	if obj, tp := a.lookup(tpath, tname); obj != nil && strings.Contains(tname, ".") && inProgram(tp) {
		return true
	}
	// A symbol with no package (crosscall2) is the C side's business.
	return tpath == ""
}

// callableFromGo reports whether Go code can call sym, a function that
// q's assembly defines. Go code calls the ABIInternal symbol, assembly
// defines the ABI0 one; where the register ABI has wrappers, the compiler
// makes the one from the other only for a function that q declares in Go
// (GenABIWrappers in cmd/compile/internal/ssagen/abi.go), under its own
// name or a directive's. Without it the link fails: "relocation target
// sym not defined for ABIInternal (but is defined for ABI0)".
func (a *analysis) callableFromGo(q *pkg, sym string) bool {
	if _, wrappers := abiRegisters[a.tc.goarch]; !wrappers {
		return true
	}
	for _, d := range q.directives {
		if d.Target == sym && d.Args == 2 && a.active(d) {
			if _, isFunc := a.object(q, d.Local).(*types.Func); isFunc {
				return true
			}
		}
	}
	path, name := splitSymbol(sym)
	if path != q.symPath() || !q.bodyless {
		return false
	}
	_, isFunc := a.object(q, name).(*types.Func)
	return isFunc
}

// checkPush checks a push: the body here is filed under the target's
// symbol, which the target package should declare without a body.
func (a *analysis) checkPush(p *pkg, fd *finding, local types.Object) {
	fd.allow(reasonPush, "", "the linker never checks definitions")
	tpath, tname := splitSymbol(fd.Target)
	target, tp := a.lookup(tpath, tname)
	// Two bodies for one function clash; of two variables, the linker
	// keeps the one with data.
	var others []string
	for _, def := range a.definitions(fd.Target) {
		if _, isFunc := local.(*types.Func); isFunc && def.pkg != p && a.samePrograms(p, def.pkg) {
			others = append(others, def.pkg.ImportPath)
		}
	}
	switch {
	case len(others) > 0:
		fd.fail(reasonDuplicateDef, "duplicated definition of symbol "+fd.Target, strings.Join(others, ", ")+" defines it too")
	case tp == nil:
		fd.Status = "no package"
	case target == nil:
		fd.Status = "not declared"
		fd.Warnings = append(fd.Warnings, tpath+" declares no "+tname+" to receive this body")
	default:
		fd.Status = "declared"
		// A program cannot import a main package: nothing to warn about.
		if !tp.deps[p.ImportPath] && tp != p && p.Name != "main" {
			fd.Warnings = append(fd.Warnings, tpath+" does not import "+p.ImportPath+
				": a program that uses "+tname+" without linking "+p.ImportPath+" fails with relocation target "+fd.Target+" not defined")
		}
	}
	if target != nil && local != nil {
		a.compare(fd, local, target)
	}
}

// samePrograms reports whether some loaded program links both packages.
func (a *analysis) samePrograms(p, q *pkg) bool {
	if a.mains == nil {
		return p.deps[q.ImportPath] || q.deps[p.ImportPath]
	}
	return slices.ContainsFunc(a.mains, func(m *pkg) bool {
		return (m == p || m.deps[p.ImportPath]) && (m == q || m.deps[q.ImportPath])
	})
}

// linkerVerdict predicts what the linker says of a reference from p to the
// symbol fd.Target, which a directive (or, with fromAsm, assembly) makes:
// the linker checks references to standard-library symbols as it loads
// the object files, before it drops code that nothing reaches. A pull
// that p never uses leaves no reference in p's object file: the linker
// has nothing to refuse.
func (a *analysis) linkerVerdict(p *pkg, fd *finding, tp *pkg, local types.Object, fromAsm bool) {
	a.checkReference(p, fd, tp, local, fromAsm)
	if fd.Link == linkFails && !fromAsm && !p.Standard && !p.used[fd.Local] {
		fd.Warnings = append(fd.Warnings, "links only because "+p.ImportPath+" never uses "+fd.Local+
			" itself: the linker checks references made by the package that declares the pull, and a future Go may close this gap ("+fd.Why+")")
		fd.Fails = ""
		fd.allow(reasonUnused, "", p.ImportPath+" never uses "+fd.Local+", so its object file holds no reference for the linker to check")
	}
}

func (a *analysis) checkReference(p *pkg, fd *finding, tp *pkg, local types.Object, fromAsm bool) {
	if a.opts.checkOff {
		fd.allow(reasonCheckOff, "", "the check is off: -ldflags=-checklinkname=0")
		return
	}
	_, isVar := local.(*types.Var)
	ref := reference{sym: fd.Target, from: p.ImportPath, fromSym: p.symPath(), fromStd: p.Standard,
		fromAsm: fromAsm, variable: isVar, targetStd: tp != nil && tp.Standard}
	var defs []symbolDef
	for _, d := range a.definitions(fd.Target) {
		open, stdOnly := a.marksIn(fd.Target, d.pkg)
		defs = append(defs, symbolDef{pkg: d.pkg.ImportPath, standard: d.pkg.Standard, kind: d.kind, marked: open, stdOnly: stdOnly})
	}
	// A method of a standard-library type: defined where its type is.
	if len(defs) == 0 && ref.targetStd && strings.Contains(strings.TrimPrefix(fd.Target, tp.ImportPath+"."), ".") {
		open, stdOnly := a.marksIn(fd.Target, tp)
		defs = []symbolDef{{pkg: tp.ImportPath, standard: true, kind: defGo, marked: open, stdOnly: stdOnly}}
	}
	v := a.tc.rules.decide(ref, defs, a.tc.goarch)
	if v.links {
		fd.allow(v.reason, v.by, v.why)
	} else {
		fd.fail(v.reason, v.fails, v.why)
	}
	if v.warning != "" {
		fd.Warnings = append(fd.Warnings, v.warning)
	}
}

// marksIn reports whether p, which defines sym, marks it. The compiler
// flags a symbol as linknamed in the object file of a package that names
// it in a directive: with one argument, or with two whatever the local
// name (reflect marks methods such as (*rtype).String from bodyless
// stand-ins; internal/bytealg marks runtime.cmpstring, whose assembly it
// holds). The linker lets a pull through when the definition carries
// that flag.
func (a *analysis) marksIn(sym string, p *pkg) (open, stdOnly bool) {
	return marksOf(p.directives, p.symPath(), sym, a.tc.rules)
}

// checkBodies finds bodyless functions without a directive: the compiler
// refuses them unless the package has assembly, and the linker refuses
// them when code it keeps calls one that nothing defines.
func (a *analysis) checkBodies(p *pkg, named map[string]bool) []finding {
	var findings []finding
	for _, f := range p.files {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body != nil || fn.Recv != nil || named[fn.Name.Name] {
				continue
			}
			fd := a.newFinding(p, a.tc.fset.Position(fn.Pos()), fn.Name.Name, "")
			fd.Mode = modeNone
			if p.complete() {
				fd.fail(reasonMissingBody, "missing function body", "no .s file in the package, no //go:linkname on it")
				findings = append(findings, fd)
				continue
			}
			fd.allow(reasonDefined, "", "defined by assembly or a push")
			a.checkDefined(p, &fd, p.symPath()+"."+fn.Name.Name, a.object(p, fn.Name.Name), false)
			if fd.Link != linkOK || len(fd.Warnings) > 0 {
				findings = append(findings, fd)
			}
		}
	}
	return findings
}

// checkAssemblyRefs checks the references that p's assembly makes to
// other packages' symbols: the linker checks them too.
func (a *analysis) checkAssemblyRefs(p *pkg) []finding {
	var findings []finding
	if p.Standard {
		return nil // the standard library's own assembly is Go's business
	}
	for _, ref := range p.asmRefs {
		tpath, _ := splitSymbol(ref.Sym)
		if tpath == p.symPath() {
			continue
		}
		tp := a.byPath[tpath]
		fd := finding{Pos: a.position(p, token.Position{Filename: ref.File, Line: ref.Line}), Local: asmReference,
			Target: ref.Sym, Mode: modeNone, Module: p.module(), Package: p.ImportPath, Link: linkOK, pkg: p}
		a.linkerVerdict(p, &fd, tp, nil, true)
		if fd.Link != linkOK || a.opts.asmLinks {
			findings = append(findings, fd)
		}
	}
	return findings
}

// declaredIn returns the first of the files in dir that declares name at
// package level, or "".
func (a *analysis) declaredIn(dir string, files []string, name string) string {
	for _, file := range files {
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, file), nil, parser.SkipObjectResolution)
		if err == nil && packageNames(&pkg{files: []*ast.File{f}})[name] {
			return file
		}
	}
	return ""
}
