package main

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// reach keeps every method of a type that kept code names: a method that
// calls a missing symbol then fails the build where the linker, which
// keeps a method only if something may call it, links the program. When
// a verdict turns on that, methodReach asks what the linker asks, over
// the whole program, the standard library's function bodies included,
// with the types of all of its code.
//
// The linker (cmd/link's deadcode) keeps a method of a kept type when
// kept code calls it directly or takes it as a value, or calls a method
// of its name and signature through an interface, or one of its name
// through an interface whose signature has type parameters in it, or
// names it to reflection's MethodByName as a constant, or (for an
// exported method) calls reflection's Method, or MethodByName with a name
// not constant. A call on a value of a type parameter calls the method of
// the type argument, which the instance's dictionary names: methodReach
// keeps the methods of that name of every type kept code gives as a type
// argument. It follows those rules, except that it keeps the methods of
// any type kept code names (the linker, only of a type converted to an
// interface), and the runtime and what it imports whole: the compiler
// and the linker call into them.

// A methodDecl is a method, as methodReach matches it to calls.
type methodDecl struct {
	recv     string // its type, "path.T"
	key      string // its reach key, "method path.T.M"
	name     string // see callName
	exported bool
	sig      *types.Signature
	// anySig: a call of its name may call it, whatever the signature: its
	// receiver is generic (each instance has its own), or its package
	// uses cgo (C's types are not known).
	anySig bool
}

// newMethodDecl describes the method that d declares, from its types.
func newMethodDecl(p *pkg, info *types.Info, d *ast.FuncDecl) (methodDecl, bool) {
	fn, ok := info.Defs[d.Name].(*types.Func)
	if !ok {
		return methodDecl{}, false
	}
	recv := namedOf(fn.Type().(*types.Signature).Recv().Type())
	if recv == nil {
		return methodDecl{}, false
	}
	m := methodDecl{recv: typeKey(recv), name: callName(fn), exported: fn.Exported(), sig: fn.Type().(*types.Signature)}
	m.key = "method " + m.recv + "." + fn.Name()
	m.anySig = recv.TypeParams().Len() > 0 || len(p.CgoFiles) > 0
	return m, true
}

// namedOf returns the defined type of t or *t, as declared (not an
// instance), or nil.
func namedOf(t types.Type) *types.Named {
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, _ := types.Unalias(t).(*types.Named)
	if named != nil {
		named = named.Origin()
	}
	return named
}

// typeKey is the reach key of a package-level type.
func typeKey(t *types.Named) string {
	return t.Obj().Pkg().Path() + "." + t.Obj().Name()
}

// callName is how the linker names a method in a call: an exported name
// is the same in every package, an unexported one is its package's own.
func callName(fn *types.Func) string {
	if fn.Exported() {
		return fn.Name()
	}
	return fn.Pkg().Path() + "." + fn.Name()
}

// The keys of calls that do not name their method's type: through an
// interface ("interface call NAME SIGNATURE"); on a value of a type
// parameter ("type parameter call NAME": the method of that name of a
// type argument, "type argument path.T"); through an interface whose
// signature has type parameters in it, or by reflection's MethodByName
// ("any NAME": every method of that name); and of reflection's Method
// ("reflect method": every exported method).
const (
	interfaceCall = "interface call "
	typeParamCall = "type parameter call "
	typeArgument  = "type argument "
	// "interface argument NAME KEY": an interface is a type argument,
	// and a call of NAME on a value of a type parameter makes the call
	// KEY through it.
	interfaceArgument = "interface argument "
	anySignature      = "any "
	reflectMethodsKey = "reflect method"
)

// A typedCode is the types of a package's code, for collectReferences,
// and the signatures of the interface calls it finds, by key.
type typedCode struct {
	info *types.Info
	sigs map[string][]*types.Signature
}

// unknownCall is the key of a selector .name in p's code whose operand
// the type checker could not make out: it may call any method of the
// name.
func unknownCall(p *pkg, name string) string {
	if token.IsExported(name) {
		return anySignature + name
	}
	return anySignature + p.ImportPath + "." + name
}

// useKey is the reach key of what a name uses: a package-level function,
// variable, constant or type, or "".
func useKey(obj types.Object) string {
	if obj == nil || obj.Pkg() == nil || obj.Parent() != obj.Pkg().Scope() {
		return ""
	}
	switch obj.(type) {
	case *types.Func, *types.Var, *types.Const, *types.TypeName:
		return obj.Pkg().Path() + "." + obj.Name()
	}
	return ""
}

// selectionKey is the reach key of a selector of a method: the method
// itself, or a call that does not name its type; "" for a field.
func (tc *typedCode) selectionKey(sel *types.Selection) string {
	fn, ok := sel.Obj().(*types.Func)
	if !ok {
		return ""
	}
	sig := fn.Type().(*types.Signature)
	if _, ok := types.Unalias(derefType(sel.Recv())).(*types.TypeParam); ok {
		// The compiler calls the method of the type argument, which the
		// instance's dictionary names (see typeArgumentKeys).
		return typeParamCall + callName(fn)
	}
	if types.IsInterface(sig.Recv().Type()) {
		return tc.interfaceCallKey(fn)
	}
	recv := namedOf(sig.Recv().Type())
	if recv == nil {
		return ""
	}
	return "method " + typeKey(recv) + "." + fn.Name()
}

// interfaceCallKey is the key of a call of the interface method fn. Where
// its signature has type parameters in it, the linker keeps every method
// of the name (cmd/compile's MarkUsedIfaceMethod).
func (tc *typedCode) interfaceCallKey(fn *types.Func) string {
	sig := fn.Type().(*types.Signature)
	if mentionsTypeParam(sig, map[types.Type]bool{}) {
		return anySignature + callName(fn)
	}
	key := interfaceCall + callName(fn) + " " + types.TypeString(sig, nil)
	if !slices.ContainsFunc(tc.sigs[key], func(s *types.Signature) bool { return types.Identical(s, sig) }) {
		tc.sigs[key] = append(tc.sigs[key], sig)
	}
	return key
}

// typeArgumentKeys adds to keys what an instantiation with the type
// argument t keeps: "type argument path.T", whose methods a call on a
// value of a type parameter may call, for t and for each defined type an
// instance may get from it as a type argument of its own (its elements,
// type arguments and embedded fields); for an interface among them, for
// each of its methods, the call that the method's wrapper makes (see
// interfaceArgument).
func (tc *typedCode) typeArgumentKeys(t types.Type, keys *[]string, seen map[types.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	switch t := types.Unalias(t).(type) {
	case *types.Pointer:
		tc.typeArgumentKeys(t.Elem(), keys, seen)
	case *types.Slice:
		tc.typeArgumentKeys(t.Elem(), keys, seen)
	case *types.Array:
		tc.typeArgumentKeys(t.Elem(), keys, seen)
	case *types.Chan:
		tc.typeArgumentKeys(t.Elem(), keys, seen)
	case *types.Map:
		tc.typeArgumentKeys(t.Key(), keys, seen)
		tc.typeArgumentKeys(t.Elem(), keys, seen)
	case *types.Struct:
		for i := range t.NumFields() {
			if t.Field(i).Embedded() { // its methods are the struct's
				tc.typeArgumentKeys(t.Field(i).Type(), keys, seen)
			}
		}
	case *types.Interface:
		for i := range t.NumMethods() {
			fn := t.Method(i)
			*keys = append(*keys, interfaceArgument+callName(fn)+" "+tc.interfaceCallKey(fn))
		}
	case *types.Named:
		if t.Obj().Pkg() != nil && t.Obj().Parent() == t.Obj().Pkg().Scope() {
			*keys = append(*keys, typeArgument+typeKey(t.Origin()))
		}
		for i := range t.TypeArgs().Len() {
			tc.typeArgumentKeys(t.TypeArgs().At(i), keys, seen)
		}
		tc.typeArgumentKeys(t.Underlying(), keys, seen)
	}
}

// mentionsTypeParam reports whether t has a type parameter in it.
func mentionsTypeParam(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t := types.Unalias(t).(type) {
	case *types.TypeParam:
		return true
	case *types.Pointer:
		return mentionsTypeParam(t.Elem(), seen)
	case *types.Slice:
		return mentionsTypeParam(t.Elem(), seen)
	case *types.Array:
		return mentionsTypeParam(t.Elem(), seen)
	case *types.Chan:
		return mentionsTypeParam(t.Elem(), seen)
	case *types.Map:
		return mentionsTypeParam(t.Key(), seen) || mentionsTypeParam(t.Elem(), seen)
	case *types.Signature:
		return mentionsTypeParam(t.Params(), seen) || mentionsTypeParam(t.Results(), seen)
	case *types.Tuple:
		for i := range t.Len() {
			if mentionsTypeParam(t.At(i).Type(), seen) {
				return true
			}
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if mentionsTypeParam(t.Field(i).Type(), seen) {
				return true
			}
		}
	case *types.Interface:
		for i := range t.NumMethods() {
			if mentionsTypeParam(t.Method(i).Type(), seen) {
				return true
			}
		}
	case *types.Named:
		for i := range t.TypeArgs().Len() {
			if mentionsTypeParam(t.TypeArgs().At(i), seen) {
				return true
			}
		}
	}
	return false
}

func derefType(t types.Type) types.Type {
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		return ptr.Elem()
	}
	return t
}

// reflectExempt are the functions of package reflect whose calls of
// Method and MethodByName the compiler does not mark (cmd/compile's
// usemethod): they are those methods themselves.
var reflectExempt = []string{"(*rtype).Method", "(*rtype).MethodByName", "(*interfaceType).Method",
	"(*interfaceType).MethodByName", "Value.Method", "Value.MethodByName"}

// reflectCall returns the key that call, in decl (in one of its closures
// if inClosure), adds as the compiler marks it (cmd/compile's usemethod):
// for a call of a Method(int) or MethodByName(string) that returns
// reflect's Method or Value, reflectMethodsKey, or for MethodByName of a
// constant, the methods of that name; else "".
func (tc *typedCode) reflectCall(p *pkg, call *ast.CallExpr, decl *ast.FuncDecl, inClosure bool) string {
	fun, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	sel, ok := tc.info.Selections[fun]
	if !ok || sel.Kind() == types.FieldVal {
		return ""
	}
	name := sel.Obj().Name()
	sig, ok := sel.Obj().Type().(*types.Signature)
	if !ok || sig.Params().Len() != 1 || sig.Results().Len() != 1 && sig.Results().Len() != 2 {
		return ""
	}
	param, _ := sig.Params().At(0).Type().Underlying().(*types.Basic)
	switch {
	case param == nil:
		return ""
	case name == "Method" && param.Kind() == types.Int, name == "MethodByName" && param.Kind() == types.String:
	default:
		return ""
	}
	result, _ := types.Unalias(sig.Results().At(0).Type()).(*types.Named)
	if result == nil || result.Obj().Pkg() == nil || result.Obj().Pkg().Path() != "reflect" ||
		result.Obj().Name() != "Method" && result.Obj().Name() != "Value" {
		return ""
	}
	if p.ImportPath == "reflect" && decl != nil && !inClosure && slices.Contains(reflectExempt, compilerName(decl)) {
		return ""
	}
	if name == "MethodByName" {
		arg := call.Args[len(call.Args)-1]
		if tv, ok := tc.info.Types[arg]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
			return anySignature + constant.StringVal(tv.Value)
		}
	}
	return reflectMethodsKey
}

// compilerName is the name the compiler gives decl's function:
// "(*T).M", "T.M" or "F".
func compilerName(decl *ast.FuncDecl) string {
	if decl.Recv == nil || len(decl.Recv.List) != 1 {
		return decl.Name.Name
	}
	base := receiverBase(decl.Recv)
	if _, ok := decl.Recv.List[0].Type.(*ast.StarExpr); ok {
		return "(*" + base + ")." + decl.Name.Name
	}
	return base + "." + decl.Name.Name
}

// callsInClosures lists the calls inside decl's function literals: the
// compiler makes each literal a function of its own.
func callsInClosures(decl *ast.FuncDecl) map[*ast.CallExpr]bool {
	calls := map[*ast.CallExpr]bool{}
	ast.Inspect(decl, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			ast.Inspect(lit.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					calls[call] = true
				}
				return true
			})
			return false
		}
		return true
	})
	return calls
}

// linkerKeeps reports whether the linker keeps the function or variable
// key ("path.name") that reach reached, by methodReach. When the
// program's code does not all type-check, it says yes.
func (a *analysis) linkerKeeps(key string) bool {
	a.methodReachOnce.Do(func() { a.methodReached = a.methodReach() })
	return a.methodReached == nil || a.methodReached[key]
}

// A wholePkg is a package read and type-checked whole, for methodReach.
type wholePkg struct {
	once  sync.Once
	q     *pkg // a copy of the package, its files read whole
	types *types.Package
	sigs  map[string][]*types.Signature
	err   error
}

// methodReach finds what the linker keeps, as reach does, but keeping a
// method only where a kept call may call it. It returns nil if the
// program's code does not type-check.
func (a *analysis) methodReach() map[string]bool {
	fset := token.NewFileSet()
	whole := map[*pkg]*wholePkg{}
	for _, p := range a.pkgs {
		whole[p] = &wholePkg{}
	}
	runtimeDeps := map[string]bool{"runtime": true}
	if rt := a.byPath["runtime"]; rt != nil {
		for _, path := range rt.Deps {
			runtimeDeps[path] = true
		}
	}
	var check func(p *pkg) *wholePkg
	check = func(p *pkg) *wholePkg {
		w := whole[p]
		w.once.Do(func() { w.q, w.types, w.sigs, w.err = a.checkWhole(p, fset, runtimeDeps[p.ImportPath], check) })
		return w
	}
	sideBySide(a.pkgs, func(p *pkg) { check(p) })
	refs := map[string][]string{}
	sigs := map[string][]*types.Signature{}
	byType := map[string][]methodDecl{}
	byName := map[string][]methodDecl{}
	var roots []string
	for _, p := range a.pkgs {
		w := whole[p]
		if w.err != nil {
			return nil
		}
		q := w.q
		for key, names := range q.refs {
			refs[key] = append(refs[key], names...)
		}
		for key, s := range w.sigs {
			sigs[key] = append(sigs[key], s...)
		}
		for _, m := range q.methodDecls {
			byType[m.recv] = append(byType[m.recv], m)
			byName[m.name] = append(byName[m.name], m)
		}
		for _, root := range q.roots {
			if !strings.HasPrefix(root, dotImport) { // the type checker resolves those names
				roots = append(roots, root)
			}
		}
		for _, ref := range q.asmRefs {
			roots = append(roots, ref.Sym)
		}
		a.joinDirectives(q, refs)
	}
	reached := map[string]bool{}
	ifaceCalls := map[string][]*types.Signature{} // a method's call name -> the signatures it is called with
	anyCalls := map[string]bool{}
	typeParamCalls := map[string]bool{}
	throughInterfaces := map[string][]string{} // a method's call name -> the calls an interface argument makes
	called := func(m methodDecl) bool {
		return reached[reflectMethodsKey] && m.exported || anyCalls[m.name] ||
			typeParamCalls[m.name] && reached[typeArgument+m.recv] ||
			slices.ContainsFunc(ifaceCalls[m.name], func(sig *types.Signature) bool { return m.anySig || types.Identical(m.sig, sig) })
	}
	for len(roots) > 0 {
		key := roots[len(roots)-1]
		roots = roots[:len(roots)-1]
		if reached[key] {
			continue
		}
		reached[key] = true
		roots = append(roots, refs[key]...)
		var name string
		switch {
		case key == reflectMethodsKey:
			for _, ms := range byType {
				for _, m := range ms {
					if m.exported && reached[m.recv] {
						roots = append(roots, m.key)
					}
				}
			}
		case strings.HasPrefix(key, interfaceCall):
			name, _, _ = strings.Cut(strings.TrimPrefix(key, interfaceCall), " ")
			ifaceCalls[name] = append(ifaceCalls[name], sigs[key]...)
		case strings.HasPrefix(key, typeParamCall):
			name = strings.TrimPrefix(key, typeParamCall)
			typeParamCalls[name] = true
			roots = append(roots, throughInterfaces[name]...)
		case strings.HasPrefix(key, interfaceArgument):
			method, call, _ := strings.Cut(strings.TrimPrefix(key, interfaceArgument), " ")
			throughInterfaces[method] = append(throughInterfaces[method], call)
			if typeParamCalls[method] {
				roots = append(roots, call)
			}
		case strings.HasPrefix(key, typeArgument):
			recv := strings.TrimPrefix(key, typeArgument)
			roots = append(roots, recv)
			for _, m := range byType[recv] {
				if called(m) {
					roots = append(roots, m.key)
				}
			}
		case strings.HasPrefix(key, anySignature):
			name = strings.TrimPrefix(key, anySignature)
			anyCalls[name] = true
		}
		if name != "" {
			for _, m := range byName[name] {
				if reached[m.recv] && called(m) {
					roots = append(roots, m.key)
				}
			}
		}
		for _, m := range byType[key] {
			if called(m) {
				roots = append(roots, m.key)
			}
		}
	}
	return reached
}

// checkWhole reads all of p's Go files, bodies included, into a copy of
// p, type-checks them with the packages they import (each checked by
// check), and collects their references with their types. A package the
// runtime imports is kept whole: each of its declarations is a root.
func (a *analysis) checkWhole(p *pkg, fset *token.FileSet, keepAll bool, check func(*pkg) *wholePkg) (*pkg, *types.Package, map[string][]*types.Signature, error) {
	q := &pkg{ImportPath: p.ImportPath, Name: p.Name, Dir: p.Dir, SFiles: p.SFiles, CgoFiles: p.CgoFiles,
		ImportMap: p.ImportMap, Standard: p.Standard, directives: p.directives}
	for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
		file := filepath.Join(p.Dir, name)
		if stand, ok := a.overlay[file]; ok {
			file = stand
		}
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, nil, err
		}
		f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, nil, err
		}
		q.files = append(q.files, f)
		for _, m := range cgoExport.FindAllSubmatch(src, -1) {
			if q.cgoExports == nil {
				q.cgoExports = map[string]bool{}
			}
			q.cgoExports[string(m[1])] = true
		}
	}
	q.readAssembly()
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			dep := a.byPath[path]
			if dep == nil {
				return nil, errNotLoaded(path)
			}
			w := check(dep)
			if w.err != nil {
				return nil, w.err
			}
			return w.types, nil
		}),
		FakeImportC: true,
		Sizes:       a.sizes,
		Error:       func(error) {}, // see below
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, Types: map[ast.Expr]types.TypeAndValue{},
		Instances: map[*ast.Ident]types.Instance{}}
	// The type checker may not know every feature of the toolchain's
	// language: what it cannot make out, namesIn reads from the syntax,
	// keeping more.
	t, _ := conf.Check(p.ImportPath, fset, q.files, info)
	typed := &typedCode{info: info, sigs: map[string][]*types.Signature{}}
	a.collectReferences(q, typed)
	if keepAll {
		for key := range q.refs {
			q.roots = append(q.roots, key)
		}
		for _, m := range q.methodDecls {
			q.roots = append(q.roots, m.key, m.recv)
		}
	}
	return q, t, typed.sigs, nil
}
