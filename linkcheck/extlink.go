package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
)

// The Go linker decides how to link (determineLinkMode in
// cmd/link/internal/ld/config.go): with cgo, one C object from a package
// outside its internalpkg list hands the whole link to the host linker,
// which then reports a missing symbol in its own words.

// libGo holds internalpkg, under GOROOT/src.
const libGo = "cmd/link/internal/ld/lib.go"

// readInternalPkgs reads internalpkg from the toolchain's libGo: the
// packages whose C objects the Go linker links itself.
func readInternalPkgs(goroot string) (map[string]bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(goroot, "src", libGo), nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var list *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		if spec, ok := n.(*ast.ValueSpec); ok && len(spec.Names) == 1 && spec.Names[0].Name == "internalpkg" && len(spec.Values) == 1 {
			list, _ = spec.Values[0].(*ast.CompositeLit)
		}
		return list == nil
	})
	if list == nil || len(list.Elts) == 0 {
		return nil, fmt.Errorf("%s: no internalpkg list", libGo)
	}
	internal := map[string]bool{}
	for _, elt := range list.Elts {
		lit, ok := elt.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return nil, fmt.Errorf("%s: internalpkg holds something other than a package path", libGo)
		}
		path, _ := strconv.Unquote(lit.Value)
		internal[path] = true
	}
	return internal, nil
}

// findForeignObjects files the packages that bring C objects (cgo files
// or .syso files) the Go linker does not link itself. With cgo off there
// are none: the go command leaves cgo files out.
func (prog *program) findForeignObjects() error {
	tc := prog.tc
	for _, p := range prog.pkgs {
		if !tc.cgo || len(p.CgoFiles)+len(p.SysoFiles) == 0 {
			continue
		}
		tc.internalObjects.once.Do(func() {
			tc.internalObjects.pkgs, tc.internalObjects.err = readInternalPkgs(tc.goroot)
		})
		if tc.internalObjects.err != nil {
			return tc.internalObjects.err
		}
		if !tc.internalObjects.pkgs[p.ImportPath] {
			if prog.foreignObjects == nil {
				prog.foreignObjects = map[string]bool{}
			}
			prog.foreignObjects[p.ImportPath] = true
		}
	}
	return nil
}

// hostLinked reports whether the link of some main package that links p
// goes to the host linker: it links runtime/cgo (cgo is on) and a package
// with foreign C objects.
func (a *analysis) hostLinked(p *pkg) bool {
	links := func(m *pkg, path string) bool { return m.ImportPath == path || m.deps[path] }
	for _, m := range a.mains {
		if !links(m, p.ImportPath) || !links(m, "runtime/cgo") {
			continue
		}
		for q := range a.foreignObjects {
			if links(m, q) {
				return true
			}
		}
	}
	return false
}

// hostUndefined is how the host linker (GNU ld, which gcc runs) reports
// a reference to a symbol nothing defines, whichever ABI Go asked for.
func hostUndefined(sym string) string {
	return "undefined reference to `" + sym + "'"
}
