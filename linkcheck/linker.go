package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// linkerRules are the linker's linkname rules, read from the source of the
// Go that runs linkcheck: cmd/link/internal/loader/loader.go.
type linkerRules struct {
	goVersion string
	// blocked maps a symbol to the only packages that may reference it.
	blocked map[string][]string
	// assemblyChecked: references to assembly functions are checked like
	// any other (Go 1.27); before, they passed through ABI wrappers.
	assemblyChecked bool
	source          string
	checkOff        bool // the program is linked with -checklinkname=0
}

func readLinkerRules() (*linkerRules, error) {
	out, err := exec.Command("go", "env", "GOVERSION", "GOROOT").Output()
	if err != nil {
		return nil, err
	}
	lines := strings.Fields(string(out))
	if len(lines) != 2 {
		return nil, err
	}
	r := &linkerRules{goVersion: lines[0], blocked: map[string][]string{}}
	r.source = filepath.Join(lines[1], "src", "cmd", "link", "internal", "loader", "loader.go")
	f, err := parser.ParseFile(token.NewFileSet(), r.source, nil, 0)
	if err != nil {
		return nil, err
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			// Since Go 1.27, checkLinkname asks whether the definition
			// comes from assembly, rather than letting wrappers through.
			if n.Name.Name == "checkLinkname" {
				ast.Inspect(n.Body, func(n ast.Node) bool {
					sel, ok := n.(*ast.SelectorExpr)
					r.assemblyChecked = r.assemblyChecked || ok && sel.Sel.Name == "FromAssembly"
					return true
				})
			}
			return false
		case *ast.ValueSpec:
			if len(n.Names) == 1 && n.Names[0].Name == "blockedLinknames" && len(n.Values) == 1 {
				lit, _ := n.Values[0].(*ast.CompositeLit)
				for _, elt := range lit.Elts {
					kv := elt.(*ast.KeyValueExpr)
					sym, _ := strconv.Unquote(kv.Key.(*ast.BasicLit).Value)
					for _, p := range kv.Value.(*ast.CompositeLit).Elts {
						path, _ := strconv.Unquote(p.(*ast.BasicLit).Value)
						r.blocked[sym] = append(r.blocked[sym], path)
					}
				}
			}
		}
		return true
	})
	return r, nil
}

// linkerVerdict predicts what the linker says of a pull of a
// standard-library symbol.
func (prog *program) linkerVerdict(p *pkg, fd *finding, tp *pkg, name string, local types.Object, rules *linkerRules) {
	sym := tp.ImportPath + "." + name
	if rules.checkOff {
		fd.Linker = "allowed (the check is off: -ldflags=-checklinkname=0)"
		return
	}
	// The linker names the referring package by its path; a command's
	// is "main".
	referrer := p.ImportPath
	if p.Name == "main" {
		referrer = "main"
	}
	invalid := "link: " + referrer + ": invalid reference to " + sym
	reject := func(why string) {
		fd.Linker = "rejected: invalid reference to " + sym + " (" + why + ")"
		fd.buildFails(invalid, "on "+rules.goVersion+"; links only with -ldflags=-checklinkname=0")
	}
	if pkgs, ok := rules.blocked[sym]; ok {
		if slices.Contains(pkgs, p.ImportPath) {
			fd.Linker = "allowed (reserved for " + p.ImportPath + ")"
			return
		}
		fd.Linker = "reserved for the standard library (" + strings.Join(pkgs, ", ") + ")"
		fd.buildFails(invalid, "the linker reserves it for "+strings.Join(pkgs, ", "))
		return
	}
	// A push from the target's own package is a mark, said below.
	pushes := prog.pushed[sym]
	if i := slices.IndexFunc(pushes, func(ps push) bool { return ps.from != tp.ImportPath && !ps.stdOnly }); i >= 0 {
		fd.Linker = "allowed: " + pushes[i].from + " pushes its body into " + sym + ", and the linker lets pushed symbols through"
		return
	}
	open, stdOnly := marks(tp, name)
	if open {
		fd.Linker = "allowed only because " + tp.ImportPath + " marks " + name + " for outside use"
		return
	}
	if stdOnly || slices.ContainsFunc(pushes, func(ps push) bool { return ps.stdOnly }) {
		if p.Standard {
			fd.Linker = "allowed (marked with //go:linknamestd, for the standard library)"
			return
		}
		reject("marked with //go:linknamestd, for the standard library's own use")
		return
	}
	if asmDefines(tp, name) {
		if !rules.assemblyChecked {
			fd.Linker = "allowed (an assembly function, reached through an ABI wrapper that this linker does not check)"
			fd.Warnings = append(fd.Warnings, "Go 1.27's linker rejects this pull of an unmarked assembly function")
			return
		}
		reject("an unmarked assembly function")
		return
	}
	if local != nil && !usedIn(p, local) {
		fd.Linker = "allowed today only through a gap: the linker checks references made by the declaring package, and " +
			p.ImportPath + " never uses " + local.Name() + " itself"
		fd.Warnings = append(fd.Warnings, "relies on a gap in the linker's check that a future Go may close")
		return
	}
	reject("not marked for outside use")
}

// asmDefines reports whether p's assembly defines the function name: a
// TEXT line for ·name or path·name.
func asmDefines(p *pkg, name string) bool {
	if p.asmSyms == nil {
		p.asmSyms = map[string]bool{}
		for _, file := range p.SFiles {
			data, _ := os.ReadFile(filepath.Join(p.Dir, file))
			for _, m := range textSymbol.FindAllStringSubmatch(string(data), -1) {
				if m[1] == "" || m[1] == p.ImportPath {
					p.asmSyms[m[2]] = true
				}
			}
		}
	}
	return p.asmSyms[name]
}

// textSymbol matches the symbol of an assembly function, such as
// "TEXT ·Div(SB)" or "TEXT runtime·systemstack<ABIInternal>(SB)".
var textSymbol = regexp.MustCompile(`(?m)^\s*TEXT\s+([^\s·]*)·([^\s(<]+)(?:<[^>]*>)?\(SB\)`)

func usedIn(p *pkg, obj types.Object) bool {
	for _, used := range p.info.Uses {
		if used == obj {
			return true
		}
	}
	return false
}
