package main

import (
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// The one place that decides whether a reference to a symbol links, and
// why: the checker asks it of every directive and assembly reference of a
// program, and -marks asks it of a pull of each standard-library symbol
// from a package outside the standard library. Both describe the symbol's
// definitions with the same record, read from the syntax of the package
// that defines it, and find directives with the same parser.

// The two verbs of a linkname directive.
const (
	verbLinkname    = "//go:linkname"
	verbLinknameStd = "//go:linknamestd"
)

// directivesIn returns the //go:linkname and //go:linknamestd lines of a
// file, read as the compiler reads them: the verb, a space, then the
// words (a bare //go:linkname is no directive). src is the file's text, to
// tell a directive alone on its line (indented or not) from one that
// follows code, which the compiler refuses as misplaced; without src,
// every directive counts as alone.
func directivesIn(fset *token.FileSet, f *ast.File, src []byte) []directive {
	importsUnsafe := false
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value) // `unsafe` counts as well
		// cgo hands the compiler the file with import "C" made
		// import _ "unsafe" (cmd/cgo's output for a cgo file).
		importsUnsafe = importsUnsafe || path == "unsafe" || path == "C"
	}
	var ds []directive
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			stdOnly, words, ok := parseDirective(c.Text)
			if !ok {
				continue
			}
			d := directive{pos: c.Pos(), StdOnly: stdOnly, Args: len(words), ImportsUnsafe: importsUnsafe,
				Misplaced: !aloneOnLine(fset, c.Slash, src)}
			if len(words) > 0 {
				d.Local = words[0]
			}
			if len(words) > 1 {
				d.Target = words[1]
			}
			ds = append(ds, d)
		}
	}
	return ds
}

// parseDirective reads one comment's text: whether it is a directive,
// //go:linknamestd or not, and the words after the verb.
func parseDirective(text string) (stdOnly bool, words []string, ok bool) {
	for _, verb := range []string{verbLinkname, verbLinknameStd} {
		if rest, found := strings.CutPrefix(text, verb+" "); found {
			return verb == verbLinknameStd, strings.Fields(rest), true
		}
	}
	return false, nil, false
}

// aloneOnLine reports whether only spaces and tabs come before pos on its
// line of src.
func aloneOnLine(fset *token.FileSet, pos token.Pos, src []byte) bool {
	if src == nil {
		return true
	}
	// Unadjusted: a //line comment (cgo writes them) renumbers the
	// position, not the bytes of src.
	p := fset.PositionFor(pos, false)
	start := p.Offset - (p.Column - 1)
	if start < 0 || start > p.Offset || p.Offset > len(src) {
		return true
	}
	return strings.Trim(string(src[start:p.Offset]), " \t") == ""
}

// splitSymbol splits "example.com/x/bar.(*T).m" into its package path and
// the name within the package; a symbol without a package ("crosscall2")
// has an empty path.
func splitSymbol(sym string) (path, name string) {
	slash := strings.LastIndex(sym, "/")
	dot := strings.Index(sym[slash+1:], ".")
	if dot < 0 {
		return "", sym
	}
	return sym[:slash+1+dot], sym[slash+1+dot+1:]
}

// symbolPath is the package path of a symbol (see splitSymbol).
func symbolPath(sym string) string {
	path, _ := splitSymbol(sym)
	return path
}

// The kinds of definition: a Go declaration in the symbol's own package,
// a push from another package, a TEXT line of assembly.
const (
	defGo       = "go"
	defPush     = "push"
	defAssembly = "assembly"
)

// A symbolDef is one definition of a symbol as the syntax of the package
// that holds it says: which package, what kind, and the marks that
// package puts on the symbol. The compiler flags a symbol as linknamed in
// the object file of a package that names it in a directive, with one
// argument or with two whatever the local name (reflect marks methods
// such as (*rtype).String from bodyless stand-ins; internal/bytealg marks
// runtime.cmpstring, whose assembly it holds); the linker reads that
// flag on the definition.
type symbolDef struct {
	pkg      string // the import path of the package holding the body
	standard bool
	kind     string // defGo, defPush or defAssembly
	// marked: a //go:linkname names the symbol; stdOnly: only a
	// //go:linknamestd does.
	marked, stdOnly bool
}

// A reference is one reference to a symbol that the linker checks as it
// loads the referring package's object file.
type reference struct {
	sym string
	// from is the referring package's import path, fromSym its name in
	// symbols (main for a command), fromStd whether it is in the
	// standard library.
	from, fromSym string
	fromStd       bool
	fromAsm       bool // made from a .s file
	variable      bool // the referring declaration is a variable
	// targetStd: the symbol's package is a standard-library package of
	// the build (what to say when nothing defines the symbol).
	targetStd bool
}

// A linkVerdict is the linker's answer to a reference.
type linkVerdict struct {
	links       bool
	reason, by  string
	why         string
	fails       string // the linker's words when it refuses
	warning     string // what a later linker says differently
	description string // the definition that decided: "assembly in runtime"
}

// abiWrappers reports whether the compiler makes ABI wrappers on goarch:
// where the register ABI is on, a Go call to an assembly function (ABI0)
// goes through a wrapper (ABIInternal). Elsewhere there is one ABI.
func abiWrappers(goarch string) bool {
	_, ok := abiRegisters[goarch]
	return ok
}

// decide predicts what the linker of these rules, linking for goarch,
// says of ref, given the definitions of ref.sym in the build. It follows
// checkLinkname in cmd/link/internal/loader/loader.go: the block-list
// first, then only references to standard-library symbols from outside
// it are checked, and a definition's mark lets them through.
func (rules *linkerRules) decide(ref reference, defs []symbolDef, goarch string) linkVerdict {
	allow := func(reason, by, why string) linkVerdict {
		return linkVerdict{links: true, reason: reason, by: by, why: why}
	}
	fails := "link: " + ref.fromSym + ": invalid reference to " + ref.sym
	refuse := func(reason, why string) linkVerdict {
		return linkVerdict{reason: reason, why: why, fails: fails}
	}
	if pkgs, ok := rules.blocked[ref.sym]; ok {
		if slices.Contains(pkgs, ref.from) {
			return allow(reasonBlockAllowed, ref.from, "the linker's block-list allows "+ref.from)
		}
		who := "no package"
		if len(pkgs) > 0 {
			who = strings.Join(pkgs, ", ")
		}
		return refuse(reasonBlocked, "the linker's block-list reserves it for "+who)
	}
	// The standard library links as released: its own pulls need no
	// mark.
	if ref.fromStd {
		return allow(reasonStdReferrer, "", ref.from+" is in the standard library")
	}
	if (ref.fromAsm && !rules.assemblyChecked) || (ref.variable && !rules.varsChecked) {
		return allow(reasonUnchecked, "", "this linker checks such references against its block-list only")
	}
	if len(defs) == 0 {
		if ref.targetStd {
			return allow(reasonNotStd, "", "no package of the build defines it")
		}
		return allow(reasonNotStd, "", "no standard-library package defines it")
	}
	// Of several definitions (assembly and a Go declaration that marks
	// it), the one that carries a mark decides.
	def := defs[0]
	if i := slices.IndexFunc(defs, func(d symbolDef) bool { return d.marked || d.stdOnly }); i >= 0 {
		def = defs[i]
	}
	switch {
	case !def.standard:
		return allow(reasonNotStd, def.pkg, "defined outside the standard library ("+def.kind+" in "+def.pkg+"), and the linker checks only standard-library symbols")
	case def.pkg == ref.from:
		return allow(reasonSamePackage, ref.from, "a reference from the package that defines it")
	// A body given to another package's symbol, in Go or in assembly.
	case def.marked && def.pkg != symbolPath(ref.sym):
		return allow(reasonPushed, def.pkg, def.pkg+" pushes its body into "+ref.sym)
	case def.marked:
		return allow(reasonStdMarked, def.pkg, def.pkg+" marks it for outside use")
	case def.kind == defAssembly && !rules.assemblyChecked:
		v := allow(reasonAsmUnchecked, def.pkg, "an assembly function: this linker lets it through")
		if abiWrappers(goarch) {
			v.warning = "Go 1.27's linker refuses this reference to an unmarked assembly function"
		}
		return v
	// The marks of an assembly function sit on the ABI wrapper that the
	// compiler makes from its Go declaration: without wrappers there is
	// nothing to look through, and the linker lets it pass.
	case def.kind == defAssembly && !abiWrappers(goarch):
		return allow(reasonAsmUnchecked, def.pkg, "an assembly function, and "+goarch+" has no ABI wrappers to look through: the linker lets it through")
	case def.kind == defAssembly && (!strings.Contains(ref.sym, ".") || strings.HasPrefix(ref.sym, ref.fromSym)):
		return allow(reasonAsmUnchecked, def.pkg, "an assembly function named for the referring package")
	case def.stdOnly:
		return refuse(reasonLinknameStd, def.pkg+" marks it with //go:linknamestd, for the standard library's own use")
	case def.kind != defAssembly:
		return refuse(reasonUnmarked, def.pkg+" does not mark it for outside use")
	}
	return refuse(reasonAsmUnmarked, "an assembly function in "+def.pkg+" that nothing marks for outside use")
}

// linkerName is the symbol a directive of the package whose symbols are
// named symPath gives its local name: the target, or symPath.local.
func (d directive) linkerName(symPath string) string {
	if d.Target != "" {
		return d.Target
	}
	return symPath + "." + d.Local
}

// valid reports whether the compiler, under rules, acts on the directive:
// one or two names, alone on its line, and a verb that Go knows
// (//go:linknamestd since Go 1.27).
func (d directive) valid(rules *linkerRules) bool {
	return d.Args >= 1 && d.Args <= 2 && !d.Misplaced && (!d.StdOnly || rules.linknameStd)
}

// marksOf reports how the directives of a package whose symbols are named
// symPath mark sym: open (a //go:linkname names it), or stdOnly (only a
// //go:linknamestd does).
func marksOf(ds []directive, symPath, sym string, rules *linkerRules) (open, stdOnly bool) {
	for _, d := range ds {
		if d.valid(rules) && d.linkerName(symPath) == sym {
			open, stdOnly = open || !d.StdOnly, stdOnly || d.StdOnly
		}
	}
	return open, stdOnly && !open
}
