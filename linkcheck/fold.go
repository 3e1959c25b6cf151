package main

import (
	"go/ast"
	"go/constant"
	"go/token"
	"slices"
	"strconv"
)

// Branches the compiler drops. The compiler leaves out of a function's
// code an if's branch whose condition is a constant (runtime.GOOS ==
// "darwin" on linux), every clause of a switch on a constant but the one
// it always takes and those it falls through into (cmd/compile's noder,
// staticBool and switchStmt), and the statements after a return that no
// label follows (ssagen: code where no block is open is dead). What they
// name leaves no reference for the linker to resolve.
//
// A folder evaluates, from the syntax, the constant conditions of one
// file's function: literals, runtime.GOOS and runtime.GOARCH, the
// package's constants with a value of their own, and comparisons and
// logic on them. Anything else is not known, and its branches are kept.

type folder struct {
	goos, goarch string
	// runtime is the name under which the file imports "runtime".
	runtime string
	consts  map[string]constSpec
	// declared: the package's own names; locals: the names the function
	// declares, which may hide them (any such name is not known).
	declared, locals map[string]bool
}

// A constSpec is a package constant with a value written for it, and the
// name under which its file imports "runtime".
type constSpec struct {
	value   ast.Expr
	runtime string
}

// runtimeName returns the name under which f imports "runtime", or "".
func runtimeName(f *ast.File) string {
	for _, imp := range f.Imports {
		if path, _ := strconv.Unquote(imp.Path.Value); path == "runtime" {
			if imp.Name == nil {
				return "runtime"
			}
			return imp.Name.Name
		}
	}
	return ""
}

// packageConsts lists p's constants that have a value of their own.
func packageConsts(p *pkg) map[string]constSpec {
	consts := map[string]constSpec{}
	for _, f := range p.files {
		rt := runtimeName(f)
		for _, decl := range f.Decls {
			if d, ok := decl.(*ast.GenDecl); ok && d.Tok == token.CONST {
				for _, spec := range d.Specs {
					vs := spec.(*ast.ValueSpec)
					if len(vs.Values) == len(vs.Names) {
						for i, n := range vs.Names {
							consts[n.Name] = constSpec{vs.Values[i], rt}
						}
					}
				}
			}
		}
	}
	return consts
}

// localNames lists every name that n declares inside it: parameters and
// results, := and var, const and type declarations, range variables.
func localNames(n ast.Node) map[string]bool {
	names := map[string]bool{}
	add := func(ids ...*ast.Ident) {
		for _, id := range ids {
			names[id.Name] = true
		}
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			add(n.Names...)
		case *ast.ValueSpec:
			add(n.Names...)
		case *ast.TypeSpec:
			add(n.Name)
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, e := range n.Lhs {
					if id, ok := e.(*ast.Ident); ok {
						add(id)
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						add(id)
					}
				}
			}
		}
		return true
	})
	return names
}

// value returns e's constant value, or nil when it is not known.
func (fo *folder) value(e ast.Expr, depth int) constant.Value {
	if depth > 20 {
		return nil // a constant defined in terms of itself does not compile
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		if v := constant.MakeFromLiteral(e.Value, e.Kind, 0); v.Kind() != constant.Unknown {
			return v
		}
	case *ast.ParenExpr:
		return fo.value(e.X, depth+1)
	case *ast.Ident:
		if fo.locals[e.Name] {
			return nil
		}
		if c, ok := fo.consts[e.Name]; ok {
			inner := *fo
			inner.runtime, inner.locals = c.runtime, nil
			return inner.value(c.value, depth+1)
		}
		if !fo.declared[e.Name] && (e.Name == "true" || e.Name == "false") {
			return constant.MakeBool(e.Name == "true")
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && fo.runtime != "" && x.Name == fo.runtime && !fo.locals[x.Name] && !fo.declared[x.Name] {
			switch e.Sel.Name {
			case "GOOS":
				return constant.MakeString(fo.goos)
			case "GOARCH":
				return constant.MakeString(fo.goarch)
			}
		}
	case *ast.UnaryExpr:
		if x := fo.value(e.X, depth+1); e.Op == token.NOT && x != nil && x.Kind() == constant.Bool {
			return constant.MakeBool(!constant.BoolVal(x))
		}
	case *ast.BinaryExpr:
		x, y := fo.value(e.X, depth+1), fo.value(e.Y, depth+1)
		if x == nil || y == nil || x.Kind() != y.Kind() {
			return nil
		}
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			if x.Kind() == constant.Bool && e.Op != token.EQL && e.Op != token.NEQ {
				return nil
			}
			return constant.MakeBool(constant.Compare(x, e.Op, y))
		case token.LAND, token.LOR:
			if x.Kind() == constant.Bool {
				return constant.BinaryOp(x, e.Op, y)
			}
		}
	}
	return nil
}

// always reports whether cond is always true (+1), always false (-1) or
// not known (0), as the compiler's staticBool does: a constant, or a &&
// or || whose left side decides it.
func (fo *folder) always(cond ast.Expr) int {
	if v := fo.value(cond, 0); v != nil && v.Kind() == constant.Bool {
		if constant.BoolVal(v) {
			return +1
		}
		return -1
	}
	if b, ok := cond.(*ast.BinaryExpr); ok {
		switch x := fo.always(b.X); {
		case b.Op == token.LAND && x < 0:
			return -1
		case b.Op == token.LOR && x > 0:
			return +1
		}
	}
	return 0
}

// switchTaken returns the clauses a switch on a constant can run: the
// one it always takes (none when no case matches and there is no
// default), and those it falls through into. It reports false when the
// compiler keeps them all: a case is not a constant.
func (fo *folder) switchTaken(s *ast.SwitchStmt) ([]*ast.CaseClause, bool) {
	tag := constant.MakeBool(true)
	if s.Tag != nil {
		if tag = fo.value(s.Tag, 0); tag == nil {
			return nil, false
		}
	}
	clauses := make([]*ast.CaseClause, len(s.Body.List))
	target := -1
	for i, stmt := range s.Body.List {
		clauses[i] = stmt.(*ast.CaseClause)
	}
outer:
	for i, clause := range clauses {
		if clause.List == nil {
			target = i
		}
		for _, e := range clause.List {
			v := fo.value(e, 0)
			if v == nil || v.Kind() != tag.Kind() {
				return nil, false
			}
			if constant.Compare(tag, token.EQL, v) {
				target = i
				break outer
			}
		}
	}
	if target < 0 {
		return nil, true
	}
	end := target + 1
	for end < len(clauses) && fallsThrough(clauses[end-1]) {
		end++
	}
	return clauses[target:end], true
}

// fallsThrough reports whether a clause ends in fallthrough.
func fallsThrough(c *ast.CaseClause) bool {
	if len(c.Body) == 0 {
		return false
	}
	br, ok := c.Body[len(c.Body)-1].(*ast.BranchStmt)
	return ok && br.Tok == token.FALLTHROUGH
}

// inspect walks n as ast.Inspect does, calling visit, but not into the
// branches the compiler drops.
func (fo *folder) inspect(n ast.Node, visit func(ast.Node) bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.IfStmt:
			always := fo.always(s.Cond)
			if always == 0 {
				return visit(n)
			}
			if s.Init != nil {
				fo.inspect(s.Init, visit)
			}
			fo.inspect(s.Cond, visit)
			if always > 0 {
				fo.inspect(s.Body, visit)
			} else if s.Else != nil {
				fo.inspect(s.Else, visit)
			}
			return false
		case *ast.SwitchStmt:
			taken, folds := fo.switchTaken(s)
			if !folds {
				return visit(n)
			}
			if s.Init != nil {
				fo.inspect(s.Init, visit)
			}
			if s.Tag != nil {
				fo.inspect(s.Tag, visit)
			}
			for _, clause := range taken {
				fo.inspect(clause, visit)
			}
			return false
		case *ast.BlockStmt:
			fo.inspectList(s.List, visit)
			return false
		case *ast.CaseClause:
			for _, e := range s.List {
				fo.inspect(e, visit)
			}
			fo.inspectList(s.Body, visit)
			return false
		case *ast.CommClause:
			if s.Comm != nil {
				fo.inspect(s.Comm, visit)
			}
			fo.inspectList(s.Body, visit)
			return false
		}
		return visit(n)
	})
}

// inspectList walks a list of statements up to the first that always
// returns, unless a label follows it (a goto may jump there).
func (fo *folder) inspectList(list []ast.Stmt, visit func(ast.Node) bool) {
	for i, s := range list {
		fo.inspect(s, visit)
		if fo.returns(s) && !slices.ContainsFunc(list[i+1:], func(s ast.Stmt) bool {
			_, labeled := s.(*ast.LabeledStmt)
			return labeled
		}) {
			return
		}
	}
}

// returns reports whether s surely returns: a return, or a block or an
// if with a constant condition whose branch taken ends in one.
func (fo *folder) returns(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BlockStmt:
		return len(s.List) > 0 && fo.returns(s.List[len(s.List)-1])
	case *ast.IfStmt:
		switch fo.always(s.Cond) {
		case +1:
			return fo.returns(s.Body)
		case -1:
			return s.Else != nil && fo.returns(s.Else)
		}
	}
	return false
}
