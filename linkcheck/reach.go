package main

import (
	"go/ast"
	"go/token"
	"go/types"
)

// reach finds the functions and variables that the linker keeps: those
// that main.main, the init functions and the variables' initializers
// refer to, directly or through others, among the packages outside the
// standard library. It follows the uses that go/types records in each
// function body, so it keeps every method (a method may be called
// through an interface) and errs on the side of keeping.
func (a *analysis) reach() {
	refs := map[types.Object][]types.Object{} // a declaration -> what its body uses
	var roots []types.Object
	for _, p := range a.pkgs {
		if p.Standard || p.info == nil {
			continue
		}
		usesIn := func(n ast.Node) []types.Object {
			var objs []types.Object
			ast.Inspect(n, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if obj := a.topLevel(p.info.Uses[id]); obj != nil {
						objs = append(objs, obj)
					}
				}
				return true
			})
			return objs
		}
		for _, f := range p.files {
			for _, decl := range f.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					obj := p.info.Defs[d.Name]
					if obj == nil {
						continue
					}
					if d.Body != nil {
						refs[obj] = usesIn(d.Body)
					}
					if d.Recv != nil || d.Name.Name == "init" || d.Name.Name == "main" && p.Name == "main" {
						roots = append(roots, obj)
					}
				case *ast.GenDecl:
					if d.Tok != token.VAR {
						continue
					}
					for _, spec := range d.Specs {
						vs := spec.(*ast.ValueSpec)
						// Initializers run at start-up.
						for _, v := range vs.Values {
							roots = append(roots, usesIn(v)...)
						}
					}
				}
			}
		}
	}
	a.reached = map[types.Object]bool{}
	for len(roots) > 0 {
		obj := roots[len(roots)-1]
		roots = roots[:len(roots)-1]
		if a.reached[obj] {
			continue
		}
		a.reached[obj] = true
		roots = append(roots, refs[obj]...)
	}
}

// topLevel returns the package-level function or variable, or the method,
// that obj is or instantiates; nil for anything else.
func (a *analysis) topLevel(obj types.Object) types.Object {
	switch obj := obj.(type) {
	case *types.Func:
		return obj.Origin()
	case *types.Var:
		if obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope() {
			return obj.Origin()
		}
	}
	return nil
}
