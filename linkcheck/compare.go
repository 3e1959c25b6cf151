package main

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// compare compares the local declaration with the target's. A declaration
// whose type names something this build does not declare is not compared:
// the compiler stops at the name, and the type checker's stand-in for it
// has no layout to judge.
func (a *analysis) compare(fd *finding, local, target types.Object) {
	fd.targetType = typeWithoutNames(target.Type())
	if hasInvalidType(local.Type(), map[types.Type]bool{}) {
		return
	}
	hasData := [2]bool{a.initialized(local), a.initialized(target)}
	var notes []string
	fd.Signature, fd.Risk, fd.Diffs, notes = compareTypes(local.Type(), target.Type(), a.sizes, a.tc.goarch, hasData)
	fd.Warnings = append(fd.Warnings, notes...)
	switch fd.Signature {
	case sigPrefix:
		fd.Warnings = append(fd.Warnings, "covers only "+fd.Diffs[0]+" of "+fd.Target+": a change of layout there goes unnoticed")
	case sigLarger:
		fd.Warnings = append(fd.Warnings, "larger than "+fd.Target+" ("+fd.Diffs[0]+"): the linker gives the symbol the larger size, but the target's package knows only its own part")
	}
}

// initialized reports whether obj is a package-level variable with an
// initial value.
func (a *analysis) initialized(obj types.Object) bool {
	if _, isVar := obj.(*types.Var); !isVar || obj.Pkg() == nil {
		return false
	}
	p := a.byPath[obj.Pkg().Path()]
	if p == nil {
		return false
	}
	_, hasValue := findDecl(p, obj.Name())
	return hasValue
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
				if vs, ok := spec.(*ast.ValueSpec); ok && d.Tok == token.VAR {
					for _, n := range vs.Names {
						if n.Name == name {
							return vs, len(vs.Values) > 0 // an initial value is a body
						}
					}
				}
			}
		}
	}
	return nil, false
}

// lookup finds a func, var or method by its name within a package: "add",
// "(*T).m" or "T.m". A method comes back as a func whose first parameter
// is the receiver. The package main is found by that name.
func (a *analysis) lookup(path, name string) (types.Object, *pkg) {
	p := a.byPath[path]
	if path == "main" {
		p = nil
		for _, m := range a.mains {
			p = m
		}
	}
	if p == nil {
		return nil, nil
	}
	recv, method, isMethod := strings.Cut(name, ".")
	ptr := strings.HasPrefix(recv, "(*")
	recv = strings.Trim(recv, "(*)")
	pt := a.typesFor(p, recv)
	if !isMethod {
		obj := pt.Scope().Lookup(name)
		switch obj.(type) {
		case *types.Func, *types.Var:
			return obj, p
		}
		return nil, p
	}
	tn, ok := pt.Scope().Lookup(recv).(*types.TypeName)
	if !ok {
		return nil, p
	}
	var t types.Type = tn.Type()
	if ptr {
		t = types.NewPointer(t)
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, pt, method)
	fn, ok := obj.(*types.Func)
	if !ok {
		return nil, p
	}
	sig := fn.Type().(*types.Signature)
	recvVar := types.NewParam(token.NoPos, pt, "recv", t)
	params := []*types.Var{recvVar}
	for i := 0; i < sig.Params().Len(); i++ {
		params = append(params, sig.Params().At(i))
	}
	flat := types.NewSignatureType(nil, nil, nil, types.NewTuple(params...), sig.Results(), sig.Variadic())
	return types.NewFunc(fn.Pos(), pt, name, flat), p
}

// typeWithoutNames writes a type with package names, and a function's
// parameters and results without their names, which the ABI ignores.
func typeWithoutNames(t types.Type) string {
	qualifier := func(p *types.Package) string { return p.Name() }
	sig, ok := t.(*types.Signature)
	if !ok {
		return types.TypeString(t, qualifier)
	}
	list := func(tuple *types.Tuple, variadic bool) string {
		var ts []string
		for i := range tuple.Len() {
			t := tuple.At(i).Type()
			if variadic && i == tuple.Len()-1 {
				ts = append(ts, "..."+types.TypeString(t.(*types.Slice).Elem(), qualifier))
				continue
			}
			ts = append(ts, types.TypeString(t, qualifier))
		}
		return strings.Join(ts, ", ")
	}
	s := "func(" + list(sig.Params(), sig.Variadic()) + ")"
	switch sig.Results().Len() {
	case 0:
	case 1:
		s += " " + list(sig.Results(), false)
	default:
		s += " (" + list(sig.Results(), false) + ")"
	}
	return s
}

// hasInvalidType reports whether t, or a type it is made of, is one the
// type checker could not resolve.
func hasInvalidType(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Basic:
		return t.Kind() == types.Invalid
	case *types.Named:
		return hasInvalidType(t.Underlying(), seen)
	case *types.Pointer:
		return hasInvalidType(t.Elem(), seen)
	case *types.Slice:
		return hasInvalidType(t.Elem(), seen)
	case *types.Array:
		return hasInvalidType(t.Elem(), seen)
	case *types.Map:
		return hasInvalidType(t.Key(), seen) || hasInvalidType(t.Elem(), seen)
	case *types.Chan:
		return hasInvalidType(t.Elem(), seen)
	case *types.Struct:
		for i := range t.NumFields() {
			if hasInvalidType(t.Field(i).Type(), seen) {
				return true
			}
		}
	case *types.Tuple:
		for i := range t.Len() {
			if hasInvalidType(t.At(i).Type(), seen) {
				return true
			}
		}
	case *types.Signature:
		return hasInvalidType(t.Params(), seen) || hasInvalidType(t.Results(), seen)
	}
	return false
}
