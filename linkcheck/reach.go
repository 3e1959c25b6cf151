package main

import (
	"go/ast"
	"go/token"
	"strconv"
)

// reach finds the functions and variables that the linker keeps: those
// that main.main, the init functions and the variables' initializers
// refer to, directly or through others, in the packages outside the
// standard library. It follows the references that each package's
// reading found (see references).
func (a *analysis) reach() {
	refs := map[string][]string{} // "path.name" -> what its body names
	var roots []string
	for _, p := range a.pkgs {
		for key, names := range p.refs {
			refs[key] = append(refs[key], names...)
		}
		roots = append(roots, p.roots...)
	}
	a.reached = map[string]bool{}
	for len(roots) > 0 {
		key := roots[len(roots)-1]
		roots = roots[:len(roots)-1]
		if !a.reached[key] {
			a.reached[key] = true
			roots = append(roots, refs[key]...)
		}
	}
}

// references reads, from the syntax, what each function of a package
// that reach follows refers to by name (a name of the package, or an
// imported package's name and a selector), and which of them the linker
// keeps whatever calls them. It errs on the side of keeping: every method
// is kept (it may be called through an interface), and so is every
// exported function of a library (another package may call it).
func (prog *program) references(p *pkg) {
	if !p.followed() {
		return // nothing there refers to a bodyless function
	}
	p.refs = map[string][]string{}
	declared := packageNames(p)
	for _, f := range p.files {
		named := prog.namesIn(p, f, declared)
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				key := p.ImportPath + "." + d.Name.Name
				if d.Recv != nil {
					key = "method " + key // not a name others can refer to
				}
				if d.Body != nil {
					p.refs[key] = append(p.refs[key], named(d.Body)...)
				}
				if d.Recv != nil || d.Name.Name == "init" || d.Name.Name == "main" && p.Name == "main" ||
					p.Name != "main" && d.Name.IsExported() {
					p.roots = append(p.roots, key)
				}
			case *ast.GenDecl:
				// Initializers run at start-up.
				if d.Tok == token.VAR {
					p.roots = append(p.roots, named(d)...)
				}
			}
		}
	}
}

// namesIn returns a function that lists the package-level names that a
// node of file f in package p refers to, as "path.name": a name that p
// declares, or a selector on an imported package's name.
func (prog *program) namesIn(p *pkg, f *ast.File, declared map[string]bool) func(ast.Node) []string {
	imported := map[string]string{} // the name in this file -> import path
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if mapped, ok := p.ImportMap[path]; ok {
			path = mapped
		}
		if q := prog.byPath[path]; q != nil {
			name := q.Name
			if imp.Name != nil {
				name = imp.Name.Name
			}
			imported[name] = path
		}
	}
	return func(n ast.Node) []string {
		var keys []string
		var visit func(n ast.Node) bool
		visit = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && imported[x.Name] != "" {
					keys = append(keys, imported[x.Name]+"."+n.Sel.Name)
				} else {
					ast.Inspect(n.X, visit) // not the field or method name
				}
				return false
			case *ast.Ident:
				if declared[n.Name] {
					keys = append(keys, p.ImportPath+"."+n.Name)
				}
			}
			return true
		}
		ast.Inspect(n, visit)
		return keys
	}
}

// packageNames lists the names that p declares at package level.
func packageNames(p *pkg) map[string]bool {
	names := map[string]bool{}
	for _, f := range p.files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					}
				}
			}
		}
	}
	return names
}
