package main

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"
)

// reach finds the functions and variables that the linker keeps: those
// that main.main, the init functions and the variables' initializers
// refer to, directly or through others (a kept type's methods among
// them), in the packages outside the standard library. It follows the
// references that each package's reading found (see references): a
// function of a library that nothing calls is dropped, as the linker's
// dead-code pass drops it.
func (a *analysis) reach() {
	a.readLeading()
	refs := map[string][]string{} // "path.name" -> what its body names
	var roots []string
	for _, p := range a.pkgs {
		for key, names := range p.refs {
			refs[key] = append(refs[key], names...)
		}
		for _, root := range p.roots {
			if path, ok := strings.CutPrefix(root, dotImport); ok {
				roots = append(roots, a.exportedNames(path)...)
				continue
			}
			roots = append(roots, root)
		}
		// Assembly may call any function of another package.
		for _, ref := range p.asmRefs {
			roots = append(roots, ref.Sym)
		}
	}
	for _, p := range a.pkgs {
		if !p.Standard {
			a.joinDirectives(p, refs)
		}
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

// dotImport starts a root that stands for every exported name of the
// package a file imports with ".": its names are used bare there.
const dotImport = "dot import "

// readLeading reads the packages that parse left for later and that can
// lead to code reach must see: those that import, directly or not, a
// package with directives or bodyless functions. The others cannot name
// such a function.
func (a *analysis) readLeading() {
	var read []*pkg
	for _, p := range a.pkgs {
		if !p.later || p.Standard {
			continue
		}
		if p.leads() || slices.ContainsFunc(p.Deps, func(path string) bool {
			q := a.byPath[path]
			return q != nil && !q.Standard && q.leads()
		}) {
			read = append(read, p)
		}
	}
	sideBySide(read, a.readLater)
}

// leads reports whether code of p may itself refer to a function that
// reach must decide about: p is a command, or has directives or bodyless
// functions (a package left for later has neither, unless files of
// another language let it declare one).
func (p *pkg) leads() bool {
	if p.later {
		return !p.complete()
	}
	return p.Name == "main" || len(p.directives) > 0 || p.bodyless
}

// exportedNames lists, as "path.name", what the package of path
// declares and exports: its functions, variables and directives' local
// names.
func (a *analysis) exportedNames(path string) []string {
	p := a.byPath[path]
	if p == nil {
		return nil
	}
	var keys []string
	for key := range p.refs {
		if name, ok := strings.CutPrefix(key, path+"."); ok && token.IsExported(name) {
			keys = append(keys, key)
		}
	}
	for _, d := range p.directives {
		if token.IsExported(d.Local) {
			keys = append(keys, path+"."+d.Local)
		}
	}
	return keys
}

// references reads, from the syntax, what each function and type of a
// package outside the standard library refers to by name (a name of the
// package, or an imported package's name and a selector), leaving out the
// branches the compiler drops (see fold.go), and which of them the linker
// keeps whatever calls them: init, main.main, a push (the standard
// library may call it), and what assembly or cgo's //export name. A
// method is kept with its type, once anything kept names the type (the
// linker keeps fewer: those a kept call may reach, which methodReach
// follows when a verdict turns on it). It errs on the side of keeping.
func (prog *program) references(p *pkg) {
	if p.Standard {
		return
	}
	prog.collectReferences(p, nil)
}

// collectReferences fills in p.refs and p.roots from p.files. With typed,
// the types of the whole of p's code (see methodReach), a method is not
// kept with its type but listed in p.methodDecls, and names are resolved
// by their types (see namesIn).
func (prog *program) collectReferences(p *pkg, typed *typedCode) {
	p.refs = map[string][]string{}
	declared, kinds, consts := packageNames(p), declKinds(p), packageConsts(p)
	kept := map[string]bool{}
	for _, d := range p.directives {
		if d.Target == "" || d.HasBody {
			kept[d.Local] = true
		}
	}
	for name := range p.asmNames {
		kept[name] = true
	}
	for name := range p.cgoExports {
		kept[name] = true
	}
	ifaceMethods, ownMethods := interfaceMethods(p), unexportedMethods(p)
	for _, f := range p.files {
		named := prog.namesIn(p, f, declared, consts, ownMethods, typed)
		for _, imp := range f.Imports {
			if imp.Name != nil && imp.Name.Name == "." {
				path, _ := strconv.Unquote(imp.Path.Value)
				if mapped, ok := p.ImportMap[path]; ok {
					path = mapped
				}
				p.roots = append(p.roots, dotImport+path)
			}
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				key := p.ImportPath + "." + d.Name.Name
				if d.Recv != nil {
					// Kept with its type, which an interface or
					// reflection may call it through; an unexported one
					// only through an interface that names it, or where
					// the package's code calls it.
					recv, name := p.ImportPath+"."+receiverBase(d.Recv), d.Name.Name
					key = "method " + recv + "." + name // not a name others can refer to
					if typed != nil {
						if m, ok := newMethodDecl(p, typed.info, d); ok {
							key = m.key
							p.methodDecls = append(p.methodDecls, m)
						}
					} else if token.IsExported(name) || ifaceMethods[name] {
						p.refs[recv] = append(p.refs[recv], key)
					}
					if !token.IsExported(name) && typed == nil {
						p.refs[selectorKey(p, name)] = append(p.refs[selectorKey(p, name)], key)
					}
				}
				if d.Body != nil {
					p.refs[key] = append(p.refs[key], named(d)...)
				}
				if d.Name.Name == "init" && d.Recv == nil || d.Name.Name == "main" && p.Name == "main" || kept[d.Name.Name] {
					p.roots = append(p.roots, key)
				}
			case *ast.GenDecl:
				switch d.Tok {
				case token.VAR:
					prog.varReferences(p, d, named, kinds)
				case token.TYPE:
					// A type refers to what its definition names: the
					// types of its fields, the ones it embeds.
					for _, spec := range d.Specs {
						ts := spec.(*ast.TypeSpec)
						key := p.ImportPath + "." + ts.Name.Name
						p.refs[key] = append(p.refs[key], named(ts.Type)...)
					}
				}
			}
		}
	}
}

// namesIn returns a function that lists the package-level names that a
// node of file f in package p refers to, as "path.name": a name that p
// declares, or a selector on an imported package's name.
//
// With typed, a name is what the type checker says it uses: a selector
// of a method is a call of that method (see selectionKey), and a call of
// reflection's Method or MethodByName is noted (see reflectCall).
func (prog *program) namesIn(p *pkg, f *ast.File, declared map[string]bool, consts map[string]constSpec, methods map[string]bool, typed *typedCode) func(ast.Node) []string {
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
		fo := &folder{goos: prog.tc.goos, goarch: prog.tc.goarch, runtime: runtimeName(f), consts: consts,
			declared: declared, locals: localNames(n)}
		var keys []string
		var inClosure map[*ast.CallExpr]bool
		decl, _ := n.(*ast.FuncDecl)
		if typed != nil && decl != nil {
			inClosure = callsInClosures(decl)
		}
		var visit func(n ast.Node) bool
		visit = func(n ast.Node) bool {
			if typed != nil {
				switch n := n.(type) {
				case *ast.CallExpr:
					if key := typed.reflectCall(p, n, decl, inClosure[n]); key != "" {
						keys = append(keys, key)
					}
				case *ast.SelectorExpr:
					if sel, ok := typed.info.Selections[n]; ok {
						if key := typed.selectionKey(sel); key != "" {
							keys = append(keys, key)
						}
						fo.inspect(n.X, visit)
						return false
					}
					x, _ := n.X.(*ast.Ident)
					if pkgName, ok := typed.info.Uses[x].(*types.PkgName); ok {
						if typed.info.Uses[n.Sel] == nil { // not type-checked
							keys = append(keys, pkgName.Imported().Path()+"."+n.Sel.Name)
						}
						return true
					}
					// Code the type checker could not make out (newer
					// than it, or not Go): maybe any method of the name.
					keys = append(keys, unknownCall(p, n.Sel.Name))
					fo.inspect(n.X, visit)
					return false
				case *ast.Ident:
					if inst, ok := typed.info.Instances[n]; ok {
						seen := map[types.Type]bool{}
						for i := range inst.TypeArgs.Len() {
							typed.typeArgumentKeys(inst.TypeArgs.At(i), &keys, seen)
						}
					}
					obj := typed.info.Uses[n]
					if key := useKey(obj); key != "" {
						keys = append(keys, key)
					} else if obj == nil && typed.info.Defs[n] == nil && declared[n.Name] {
						keys = append(keys, p.ImportPath+"."+n.Name) // not type-checked
					}
				}
				return true
			}
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && imported[x.Name] != "" {
					keys = append(keys, imported[x.Name]+"."+n.Sel.Name)
					return false
				}
				// Maybe a direct call of one of the package's unexported
				// methods.
				if methods[n.Sel.Name] {
					keys = append(keys, selectorKey(p, n.Sel.Name))
				}
				fo.inspect(n.X, visit)
				return false
			case *ast.Ident:
				if declared[n.Name] {
					keys = append(keys, p.ImportPath+"."+n.Name)
				}
			}
			return true
		}
		fo.inspect(n, visit)
		slices.Sort(keys)
		return slices.Compact(keys)
	}
}

// selectorKey stands for every use of .name in p's code: a direct call
// of p's unexported methods of that name, or a field's.
func selectorKey(p *pkg, name string) string {
	return "selector " + p.ImportPath + "." + name
}

// unexportedMethods lists the names of p's unexported methods.
func unexportedMethods(p *pkg) map[string]bool {
	names := map[string]bool{}
	for _, f := range p.files {
		for _, decl := range f.Decls {
			if d, ok := decl.(*ast.FuncDecl); ok && d.Recv != nil && !token.IsExported(d.Name.Name) {
				names[d.Name.Name] = true
			}
		}
	}
	return names
}

// interfaceMethods lists the unexported method names that an interface
// type in p's code declares, anywhere: only through such an interface
// can a value's unexported method be called dynamically.
func interfaceMethods(p *pkg) map[string]bool {
	names := map[string]bool{}
	for _, f := range p.files {
		ast.Inspect(f, func(n ast.Node) bool {
			if it, ok := n.(*ast.InterfaceType); ok {
				for _, m := range it.Methods.List {
					for _, id := range m.Names {
						if !token.IsExported(id.Name) {
							names[id.Name] = true
						}
					}
				}
			}
			return true
		})
	}
	return names
}

// packageNames lists the names that p declares at package level.
func packageNames(p *pkg) map[string]bool {
	names := map[string]bool{}
	for name := range declKinds(p) {
		names[name] = true
	}
	return names
}

// varReferences files what the variables of d refer to. An initializer
// that the compiler lays out as data (staticinit) refers to its names
// only from the variable's own symbol, which the linker drops when
// nothing uses the variable; any other initializer is code in the
// package's init, which the linker keeps.
func (prog *program) varReferences(p *pkg, d *ast.GenDecl, named func(ast.Node) []string, kinds map[string]string) {
	for _, spec := range d.Specs {
		vs := spec.(*ast.ValueSpec)
		if len(vs.Values) != len(vs.Names) || slices.ContainsFunc(vs.Values, func(v ast.Expr) bool { return !isStaticData(v, kinds) }) {
			p.roots = append(p.roots, named(vs)...)
			continue
		}
		for i, n := range vs.Names {
			key := p.ImportPath + "." + n.Name
			p.refs[key] = append(p.refs[key], named(vs.Values[i])...)
			// The package's assembly may use any of its variables.
			if p.asmNames[n.Name] {
				p.roots = append(p.roots, key)
			}
		}
	}
}

// isStaticData reports whether the compiler surely lays out e, the
// initializer of a package-level variable, as data: literals, functions
// and closures, constants, addresses of variables, and composite literals
// of those that are not maps. Anything else (a call, a variable's value,
// an operation, a map) may need code at start-up.
func isStaticData(e ast.Expr, kinds map[string]string) bool {
	switch e := e.(type) {
	case *ast.BasicLit, *ast.FuncLit:
		return true
	case *ast.ParenExpr:
		return isStaticData(e.X, kinds)
	case *ast.Ident:
		switch kinds[e.Name] {
		case "func", "const":
			return true
		case "":
			return e.Name == "nil" || e.Name == "true" || e.Name == "false"
		}
		return false
	case *ast.UnaryExpr:
		if e.Op != token.AND {
			return false
		}
		if id, ok := e.X.(*ast.Ident); ok && kinds[id.Name] == "var" {
			return true
		}
		_, isLit := e.X.(*ast.CompositeLit)
		return isLit && isStaticData(e.X, kinds)
	case *ast.CompositeLit:
		switch t := e.Type.(type) {
		case *ast.ArrayType, *ast.StructType:
		case *ast.Ident:
			if kinds[t.Name] != "type" {
				return false // a map type, or not one of the package's types
			}
		default:
			return false
		}
		for _, elt := range e.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				elt = kv.Value
			}
			if !isStaticData(elt, kinds) {
				return false
			}
		}
		return true
	}
	return false
}

// declKinds says what each package-level name of p is: "func", "var",
// "const", "type" (other than a map type) or "map type".
func declKinds(p *pkg) map[string]string {
	kinds := map[string]string{}
	for _, f := range p.files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					kinds[d.Name.Name] = "func"
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.ValueSpec:
						for _, n := range s.Names {
							kinds[n.Name] = strings.ToLower(d.Tok.String())
						}
					case *ast.TypeSpec:
						kinds[s.Name.Name] = "type"
						if _, isMap := s.Type.(*ast.MapType); isMap {
							kinds[s.Name.Name] = "map type"
						}
					}
				}
			}
		}
	}
	return kinds
}

// joinDirectives makes each active directive of p join its local name and
// its target in refs: what reaches the one reaches the other.
func (a *analysis) joinDirectives(p *pkg, refs map[string][]string) {
	for _, d := range p.directives {
		if d.Target == "" || d.Args != 2 || !a.active(d) {
			continue
		}
		local, target := p.ImportPath+"."+d.Local, d.Target
		if path, name := splitSymbol(target); path == "main" {
			for _, m := range a.mains {
				target = m.ImportPath + "." + name
			}
		}
		refs[local] = append(refs[local], target)
		refs[target] = append(refs[target], local)
	}
}
