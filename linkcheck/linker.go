package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os/exec"
	"path/filepath"
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
		case *ast.SelectorExpr:
			if n.Sel.Name == "FromAssembly" {
				r.assemblyChecked = true
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
	reject := func(why string) {
		fd.Linker = "rejected: invalid reference to " + sym + " (" + why + ")"
		fd.Errors = append(fd.Errors, "would fail: link: "+p.Name+": invalid reference to "+sym+
			" on "+rules.goVersion+" (links only with -ldflags=-checklinkname=0)")
	}
	if pkgs, ok := rules.blocked[sym]; ok {
		if slices.Contains(pkgs, p.ImportPath) {
			fd.Linker = "allowed (reserved for " + p.ImportPath + ")"
			return
		}
		fd.Linker = "reserved for the standard library (" + strings.Join(pkgs, ", ") + ")"
		fd.Errors = append(fd.Errors, "would fail: link: "+p.Name+": invalid reference to "+sym+
			" (the linker reserves it for "+strings.Join(pkgs, ", ")+")")
		return
	}
	if pusher := prog.pushed[sym]; pusher != "" {
		fd.Linker = "allowed: " + pusher + " pushes its body into " + sym + ", and the linker lets pushed symbols through"
		return
	}
	if marked(tp, name) {
		fd.Linker = "allowed only because " + tp.ImportPath + " marks " + name + " for outside use"
		return
	}
	if isAssembly(tp, name) {
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

func isAssembly(tp *pkg, name string) bool {
	if len(tp.SFiles) == 0 {
		return false
	}
	for _, f := range tp.files {
		if decl, hasBody := findDecl(f, name); decl != nil {
			_, isFunc := decl.(*ast.FuncDecl)
			return isFunc && !hasBody
		}
	}
	return false
}

func usedIn(p *pkg, obj types.Object) bool {
	for _, used := range p.info.Uses {
		if used == obj {
			return true
		}
	}
	return false
}
