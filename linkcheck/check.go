package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
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
	Warnings  []string `json:"warnings,omitempty"`
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
}

// analyze returns the findings for the packages the patterns named.
func analyze(prog *program, rules *linkerRules) []finding {
	var findings []finding
	for _, p := range prog.pkgs {
		if p.DepOnly || p.types == nil {
			continue
		}
		named := map[string]bool{} // locals that carry a directive
		for _, f := range p.files {
			dirs := directives(f)
			for _, d := range dirs {
				named[d.local] = true
			}
			importsUnsafe := false
			for _, imp := range f.Imports {
				importsUnsafe = importsUnsafe || imp.Path.Value == `"unsafe"`
			}
			for _, d := range dirs {
				fd := prog.checkDirective(p, f, d, rules)
				if !importsUnsafe {
					fd.Errors = append(fd.Errors, `would fail: //go:linkname only allowed in Go files that import "unsafe"`)
				}
				findings = append(findings, fd)
			}
		}
		if len(p.SFiles) > 0 {
			continue // assembly may define any bodyless function
		}
		for _, f := range p.files {
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if ok && fn.Body == nil && fn.Recv == nil && !named[fn.Name.Name] {
					findings = append(findings, finding{
						Pos:    prog.position(fn.Pos()),
						Local:  fn.Name.Name,
						Mode:   modeNone,
						Errors: []string{"would fail: missing function body (no .s file in the package, no //go:linkname on it)"},
					})
				}
			}
		}
	}
	return findings
}

// directives returns the //go:linkname lines of a file.
func directives(f *ast.File) []directive {
	var ds []directive
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			rest, ok := strings.CutPrefix(c.Text, "//go:linkname ")
			if !ok {
				continue
			}
			fields := strings.Fields(rest)
			d := directive{pos: c.Pos()}
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

func (prog *program) checkDirective(p *pkg, f *ast.File, d directive, rules *linkerRules) finding {
	fd := finding{Pos: prog.position(d.pos), Local: d.local, Target: d.target}
	decl, hasBody := findDecl(f, d.local)
	if decl == nil {
		fd.Mode = modeMarking
		if d.target != "" {
			fd.Mode = modePull
		}
		fd.Warnings = append(fd.Warnings, "no func or var named "+d.local+" in this file")
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
			fd.Errors = append(fd.Errors, "would fail: relocation target "+d.target+" not defined ("+msg+")")
		} else {
			fd.Warnings = append(fd.Warnings, msg+": every program that uses this package must link it")
		}
		fd.TargetOK = "not linked"
	case target == nil && prog.pushed[d.target] != "":
		fd.TargetOK = "linked, defined by a push from " + prog.pushed[d.target]
	case target == nil:
		fd.Errors = append(fd.Errors, "would fail: relocation target "+d.target+" not defined (no such func or var in "+tpath+")")
		fd.TargetOK = "missing"
	default:
		fd.TargetOK = "linked, defined"
	}
	if tp != nil && marked(tp, tname) {
		fd.Mode = modeHandshake
	}
	if target != nil && local != nil {
		fd.Signature, fd.Diffs = compareTypes(local.Type(), target.Type(), prog.sizes)
		if fd.Signature == sigIncompatible {
			fd.Errors = append(fd.Errors, "signature: incompatible with "+d.target+": "+strings.Join(fd.Diffs, "; "))
		}
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
	if !tp.deps[p.ImportPath] {
		fd.Warnings = append(fd.Warnings, tpath+" does not import "+p.ImportPath+
			": a program that uses "+tname+" without linking "+p.ImportPath+" fails with relocation target "+fd.Target+" not defined")
	}
	if local != nil {
		fd.Signature, fd.Diffs = compareTypes(local.Type(), target.Type(), prog.sizes)
		if fd.Signature == sigIncompatible {
			fd.Errors = append(fd.Errors, "signature: incompatible with "+fd.Target+": "+strings.Join(fd.Diffs, "; "))
		}
	}
}

// findDecl finds the func or var named name in f, and whether it has a
// body (for a var: an initial value).
func findDecl(f *ast.File, name string) (ast.Node, bool) {
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

// marked reports whether the target's own package marks name with a
// //go:linkname directive (one argument, or two naming itself).
func marked(p *pkg, name string) bool {
	for _, f := range p.files {
		for _, d := range directives(f) {
			if d.local == name && (d.target == "" || d.target == p.ImportPath+"."+name) {
				return true
			}
		}
	}
	return false
}
