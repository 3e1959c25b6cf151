package main

import (
	"go/ast"
	"go/token"
)

// A linkDecl is a package-level function, method or variable: what the
// linker sees of it is a symbol, defined by this package or not.
type linkDecl struct {
	name     string // the local name; for a method, Recv.name as the linker writes it
	method   bool
	variable bool
	// defined: a function or method with a body, a variable with an
	// initial value.
	defined bool
	doc     *ast.CommentGroup // a variable's own doc, or else its group's
}

// linkDecls lists f's functions, methods and variables, in order. A
// method of a generic type has no one symbol, and is left out.
func linkDecls(f *ast.File) []linkDecl {
	var ds []linkDecl
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				ds = append(ds, linkDecl{name: d.Name.Name, defined: d.Body != nil, doc: d.Doc})
			} else if recv := receiverName(d.Recv); recv != "" {
				ds = append(ds, linkDecl{name: recv + "." + d.Name.Name, method: true, defined: d.Body != nil, doc: d.Doc})
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, spec := range d.Specs {
				vs := spec.(*ast.ValueSpec)
				doc := vs.Doc
				if doc == nil {
					doc = d.Doc
				}
				for _, n := range vs.Names {
					ds = append(ds, linkDecl{name: n.Name, variable: true, defined: len(vs.Values) > 0, doc: doc})
				}
			}
		}
	}
	return ds
}

// receiverName is the receiver as the linker writes it: (*T) or T.
func receiverName(recv *ast.FieldList) string {
	if len(recv.List) != 1 {
		return ""
	}
	switch t := recv.List[0].Type.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		if id, ok := t.X.(*ast.Ident); ok {
			return "(*" + id.Name + ")"
		}
	}
	return "" // generic receivers have no one symbol
}

// receiverBase is the name of a method's receiver type, without the
// pointer or the type parameters: T for (*T), T and List[E].
func receiverBase(recv *ast.FieldList) string {
	if len(recv.List) != 1 {
		return ""
	}
	t := recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
