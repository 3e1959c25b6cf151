package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A finding is what linkcheck says about one directive, or about one
// bodyless function without a directive.
type finding struct {
	Pos       string   `json:"pos"`
	Local     string   `json:"local"`
	Target    string   `json:"target,omitempty"`
	Mode      string   `json:"mode"`
	TargetOK  string   `json:"target_status,omitempty"`
	Signature string   `json:"signature,omitempty"`
	Diffs     []string `json:"signature_diffs,omitempty"`
	Linker    string   `json:"linker,omitempty"`
	Errors    []string `json:"errors,omitempty"`
	// Fails is what go build would print (part of a line, verbatim)
	// when an error stops the build.
	Fails    string   `json:"build_fails,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// The modes.
const (
	modePull      = "pull"
	modePush      = "push"
	modeHandshake = "handshake"
	modeMarking   = "marking only"
	modeNone      = "no directive"
)

type directive struct {
	pos    token.Pos
	local  string
	target string // empty for the one-argument form
	// stdOnly: //go:linknamestd (Go 1.27), which opens the symbol to the
	// standard library only.
	stdOnly bool
}

// analyze returns the findings for the packages the patterns named.
func analyze(prog *program, rules *linkerRules) []finding {
	var findings []finding
	reported := map[string]bool{} // positions of program-wide findings
	for _, p := range prog.pkgs {
		if p.DepOnly || p.types == nil {
			continue
		}
		named := map[string]bool{} // locals that carry a directive
		for _, f := range p.files {
			importsUnsafe := false
			for _, imp := range f.Imports {
				importsUnsafe = importsUnsafe || imp.Path.Value == `"unsafe"`
			}
			for _, d := range directives(f) {
				fd := prog.checkDirective(p, d, rules)
				// The compiler stops at these, before the linker has a say.
				switch {
				case !importsUnsafe:
					fd.Fails = ""
					fd.buildFails(`//go:linkname only allowed in Go files that import "unsafe"`, "this file does not import it")
				case named[d.local]:
					fd.Fails = ""
					fd.buildFails("duplicate //go:linkname for "+d.local, "one directive per name")
				}
				named[d.local] = true
				findings = append(findings, fd)
			}
		}
		findings = append(findings, prog.checkBodies(p, named)...)
		if p.Name == "main" {
			for _, fd := range prog.checkDefined(p) {
				if !reported[fd.Pos] {
					reported[fd.Pos] = true
					findings = append(findings, fd)
				}
			}
		}
	}
	return findings
}

// checkBodies finds bodyless functions that nothing lets through the
// compiler: no directive names them and the package has no assembly.
func (prog *program) checkBodies(p *pkg, named map[string]bool) []finding {
	var findings []finding
	if len(p.SFiles) > 0 {
		return nil // the compiler trusts assembly to define any of them
	}
	for _, fn := range bodyless(p) {
		if !named[fn.Name.Name] {
			fd := finding{Pos: prog.position(fn.Pos()), Local: fn.Name.Name, Mode: modeNone}
			fd.buildFails("missing function body", "no .s file in the package, no //go:linkname on it")
			findings = append(findings, fd)
		}
	}
	return findings
}

// checkDefined looks, across the program of main package p, for bodyless
// functions that p calls and that nothing defines: no TEXT in their
// package's assembly, no push from a package of the program. The compiler
// lets them through, and the linker fails.
func (prog *program) checkDefined(p *pkg) []finding {
	inProgram := func(path string) bool { return path == p.ImportPath || p.deps[path] }
	var findings []finding
	for _, q := range prog.pkgs {
		if q.Standard || q.types == nil || !inProgram(q.ImportPath) {
			continue
		}
		pulls := map[string]bool{} // two-argument directives: pulls, checked elsewhere
		for _, f := range q.files {
			for _, d := range directives(f) {
				pulls[d.local] = d.target != ""
			}
		}
		for _, fn := range bodyless(q) {
			name, sym := fn.Name.Name, q.ImportPath+"."+fn.Name.Name
			if pulls[name] || asmDefines(q, name) || !usedIn(p, q.types.Scope().Lookup(name)) ||
				slices.ContainsFunc(prog.pushed[sym], func(ps push) bool { return inProgram(ps.from) }) {
				continue
			}
			fd := finding{Pos: prog.position(fn.Pos()), Local: name, Mode: modeNone}
			if _, isDirective := pulls[name]; isDirective {
				fd.Mode = modeMarking
			}
			fd.buildFails("relocation target "+sym+" not defined",
				"called from "+p.ImportPath+", but no assembly defines it and no package of the program pushes a body into it")
			findings = append(findings, fd)
		}
	}
	return findings
}

// bodyless returns the package's functions declared without a body.
func bodyless(p *pkg) []*ast.FuncDecl {
	var fns []*ast.FuncDecl
	for _, f := range p.files {
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body == nil && fn.Recv == nil {
				fns = append(fns, fn)
			}
		}
	}
	return fns
}

// buildFails records an error that stops the build: text is what the
// toolchain prints, why is the reason.
func (fd *finding) buildFails(text, why string) {
	if fd.Fails == "" {
		fd.Fails = text
	}
	fd.Errors = append(fd.Errors, "would fail: "+text+" ("+why+")")
}

// directives returns the //go:linkname lines of a file.
func directives(f *ast.File) []directive {
	var ds []directive
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			verb, rest, _ := strings.Cut(c.Text, " ")
			if verb != "//go:linkname" && verb != "//go:linknamestd" {
				continue
			}
			fields := strings.Fields(rest)
			d := directive{pos: c.Pos(), stdOnly: verb == "//go:linknamestd"}
			switch len(fields) {
			case 1:
				d.local = fields[0]
			case 2:
				d.local, d.target = fields[0], fields[1]
			default:
				continue
			}
			ds = append(ds, d)
		}
	}
	return ds
}

func (prog *program) position(pos token.Pos) string {
	p := prog.fset.Position(pos)
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p.Filename); err == nil && !strings.HasPrefix(rel, "..") {
			p.Filename = rel
		}
	}
	return fmt.Sprintf("%s:%d", p.Filename, p.Line)
}

func (prog *program) checkDirective(p *pkg, d directive, rules *linkerRules) finding {
	fd := finding{Pos: prog.position(d.pos), Local: d.local, Target: d.target}
	decl, hasBody := findDecl(p, d.local)
	if decl == nil {
		fd.Mode = modeMarking
		if d.target != "" {
			fd.Mode = modePull
		}
		fd.buildFails("//go:linkname must refer to declared function or variable", "no func or var named "+d.local+" in "+p.ImportPath)
		return fd
	}
	if strings.Contains(d.target, "[") && strings.Contains(d.target, "]") {
		fd.Mode = modePull
		fd.buildFails("//go:linkname reference of an instantiation is not allowed",
			"the symbols of a generic function's instances are the compiler's business")
		return fd
	}
	if d.target == "" {
		fd.Mode = modeMarking
		return fd
	}
	tpath, tname := splitSymbol(d.target)
	local := p.types.Scope().Lookup(d.local)
	if hasBody {
		fd.Mode = modePush
		prog.checkPush(p, &fd, tpath, tname, local)
		return fd
	}
	fd.Mode = modePull
	target, tp := prog.lookup(tpath, tname)
	switch {
	case tpath == p.ImportPath:
		fd.TargetOK = "same package"
	case tp == nil || !(p.deps[tpath] || tpath == "runtime"):
		msg := "package " + tpath + " is not among this package's imports, so nothing links it in"
		if p.Name == "main" {
			fd.buildFails("relocation target "+d.target+" not defined", msg)
		} else {
			fd.Warnings = append(fd.Warnings, msg+": every program that uses this package must link it")
		}
		fd.TargetOK = "not linked"
	case target == nil && len(prog.pushed[d.target]) > 0:
		// Nothing in tpath declares it: compare with the pushed body.
		pushed := prog.pushed[d.target][0]
		target = pushed.local
		fd.TargetOK = "linked, defined by " + pushed.from + "." + pushed.local.Name() + ", which pushes its body into it"
	case target == nil:
		fd.buildFails("relocation target "+d.target+" not defined", "no such func or var in "+tpath)
		fd.TargetOK = "missing"
	default:
		fd.TargetOK = "linked, defined"
	}
	if open, _ := marks(tp, tname); open {
		fd.Mode = modeHandshake
	}
	if target != nil && local != nil {
		fd.compare(local, target, prog.sizes)
	}
	if tp != nil && tp.Standard {
		prog.linkerVerdict(p, &fd, tp, tname, local, rules)
	} else {
		fd.Linker = "allowed (not a standard-library symbol: the linker checks only those)"
	}
	return fd
}

// checkPush checks a push: the body here is filed under the target's
// symbol, which the target package should declare without a body.
func (prog *program) checkPush(p *pkg, fd *finding, tpath, tname string, local types.Object) {
	fd.Linker = "allowed (pushes are not checked)"
	target, tp := prog.lookup(tpath, tname)
	switch {
	case tp == nil:
		fd.TargetOK = "not loaded"
		fd.Warnings = append(fd.Warnings, "package "+tpath+" is not part of this build: the receiving declaration was not checked")
		return
	case target == nil:
		fd.TargetOK = "missing"
		fd.Warnings = append(fd.Warnings, tpath+" declares no "+tname+" to receive this body")
		return
	}
	fd.TargetOK = "declared"
	sameProgram := func(q string) bool { return q != p.ImportPath && (p.deps[q] || prog.byPath[q].deps[p.ImportPath]) }
	if _, hasBody := findDecl(tp, tname); hasBody {
		fd.buildFails("duplicated definition of symbol "+fd.Target, tpath+" gives it a body too")
	} else if i := slices.IndexFunc(prog.pushed[fd.Target], func(ps push) bool { return sameProgram(ps.from) }); i >= 0 {
		fd.buildFails("duplicated definition of symbol "+fd.Target, prog.pushed[fd.Target][i].from+" pushes a body into it too")
	}
	if !tp.deps[p.ImportPath] {
		fd.Warnings = append(fd.Warnings, tpath+" does not import "+p.ImportPath+
			": a program that uses "+tname+" without linking "+p.ImportPath+" fails with relocation target "+fd.Target+" not defined")
	}
	if local != nil {
		fd.compare(local, target, prog.sizes)
	}
}

// compare compares the local declaration with the target's: an
// incompatible one is an error, a variable that covers only the start of
// its target a warning.
func (fd *finding) compare(local, target types.Object, sizes types.Sizes) {
	fd.Signature, fd.Diffs = compareTypes(local.Type(), target.Type(), sizes)
	switch fd.Signature {
	case sigIncompatible:
		fd.Errors = append(fd.Errors, "signature: incompatible with "+fd.Target+": "+strings.Join(fd.Diffs, "; "))
	case sigPrefix:
		fd.Warnings = append(fd.Warnings, "covers only "+fd.Diffs[0]+" of "+fd.Target+": a change of layout there goes unnoticed")
	}
}

// findDecl finds the func or var named name in p, and whether it has a
// body.
func findDecl(p *pkg, name string) (ast.Node, bool) {
	for _, f := range p.files {
		if decl, hasBody := findDeclIn(f, name); decl != nil {
			return decl, hasBody
		}
	}
	return nil, false
}

func findDeclIn(f *ast.File, name string) (ast.Node, bool) {
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == name {
				return d, d.Body != nil
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok {
					for _, n := range vs.Names {
						if n.Name == name {
							return vs, false
						}
					}
				}
			}
		}
	}
	return nil, false
}

// splitSymbol splits "example.com/x/bar.(*T).m" into its package path and
// the name within the package.
func splitSymbol(sym string) (path, name string) {
	slash := strings.LastIndex(sym, "/")
	dot := strings.Index(sym[slash+1:], ".")
	if dot < 0 {
		return "", sym
	}
	return sym[:slash+1+dot], sym[slash+1+dot+1:]
}

// lookup finds a func, var or method by its name within a package: "add",
// "(*T).m" or "T.m". A method comes back as a func whose first parameter
// is the receiver.
func (prog *program) lookup(path, name string) (types.Object, *pkg) {
	p := prog.byPath[path]
	if p == nil || p.types == nil {
		return nil, nil
	}
	if !strings.Contains(name, ".") {
		obj := p.types.Scope().Lookup(name)
		switch obj.(type) {
		case *types.Func, *types.Var:
			return obj, p
		}
		return nil, p
	}
	recv, method, _ := strings.Cut(name, ".")
	ptr := strings.HasPrefix(recv, "(*")
	recv = strings.Trim(recv, "(*)")
	tn, ok := p.types.Scope().Lookup(recv).(*types.TypeName)
	if !ok {
		return nil, p
	}
	var t types.Type = tn.Type()
	if ptr {
		t = types.NewPointer(t)
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, p.types, method)
	fn, ok := obj.(*types.Func)
	if !ok {
		return nil, p
	}
	sig := fn.Type().(*types.Signature)
	recvVar := types.NewParam(token.NoPos, p.types, "recv", t)
	params := []*types.Var{recvVar}
	for i := 0; i < sig.Params().Len(); i++ {
		params = append(params, sig.Params().At(i))
	}
	flat := types.NewSignatureType(nil, nil, nil, types.NewTuple(params...), sig.Results(), sig.Variadic())
	return types.NewFunc(fn.Pos(), p.types, name, flat), p
}

// marks reports whether the target's own package marks name for outside
// use (open), or, with //go:linknamestd, for the standard library's
// (stdOnly). The compiler flags a symbol as linknamed in the object file
// of the package that names it in a directive: with one argument, or with
// two whose target is in that same package, whatever the local name (the
// standard library marks methods such as reflect.(*rtype).Kind so, from a
// bodyless stand-in). The linker lets a pull through when the definition
// carries that flag.
func marks(p *pkg, name string) (open, stdOnly bool) {
	if p == nil {
		return false, false
	}
	sym := p.ImportPath + "." + name
	for _, f := range p.files {
		for _, d := range directives(f) {
			if d.target == sym || d.target == "" && d.local == name {
				open, stdOnly = open || !d.stdOnly, stdOnly || d.stdOnly
			}
		}
	}
	return open, stdOnly && !open
}
