package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// A pkg is one package of the build, parsed and type-checked once.
type pkg struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	SFiles     []string
	Deps       []string
	ImportMap  map[string]string
	Standard   bool
	DepOnly    bool
	Error      *struct{ Err string }

	files   []*ast.File
	types   *types.Package
	asmSyms map[string]bool // functions its assembly defines, read on first use
	info    *types.Info
	deps    map[string]bool
}

// program is every package that the patterns need, in dependency order.
type program struct {
	fset    *token.FileSet
	pkgs    []*pkg
	byPath  map[string]*pkg
	overlay map[string]string // file -> the file standing in for it
	sizes   types.Sizes
	// pushed maps a symbol to the function or var that pushes a body (or
	// a value) into it from another package.
	pushed map[string][]push
}

// A push is a definition filed under another package's symbol.
type push struct {
	from    string       // the pushing package
	local   types.Object // its declaration there
	stdOnly bool         // with //go:linknamestd
}

// load lists the packages with go list, then parses and type-checks each
// one once, dependencies first. Only the packages the patterns name get
// function bodies checked; the rest are needed for their declarations.
func load(patterns []string, overlayFile string) (*program, error) {
	args := []string{"list", "-e", "-deps", "-json=ImportPath,Name,Dir,GoFiles,SFiles,Deps,ImportMap,Standard,DepOnly,Error"}
	prog := &program{fset: fset, byPath: map[string]*pkg{}, overlay: map[string]string{},
		sizes: types.SizesFor("gc", goarch())}
	if overlayFile != "" {
		args = append(args, "-overlay", overlayFile)
		data, err := os.ReadFile(overlayFile)
		if err != nil {
			return nil, err
		}
		var o struct{ Replace map[string]string }
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, fmt.Errorf("%s: %v", overlayFile, err)
		}
		for k, v := range o.Replace {
			abs, _ := filepath.Abs(k)
			prog.overlay[abs] = v
		}
	}
	cmd := exec.Command("go", append(args, patterns...)...)
	// Without cgo, go list picks the pure-Go files, which go/types can
	// check without running the cgo tool.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		p := new(pkg)
		if err := dec.Decode(p); err != nil {
			return nil, err
		}
		if p.Error != nil && !p.DepOnly {
			return nil, fmt.Errorf("%s: %s", p.ImportPath, p.Error.Err)
		}
		p.deps = map[string]bool{}
		for _, d := range p.Deps {
			p.deps[d] = true
		}
		prog.pkgs = append(prog.pkgs, p)
		prog.byPath[p.ImportPath] = p
	}
	prog.pushed = map[string][]push{}
	for i, p := range prog.pkgs {
		if p.Standard && p.DepOnly {
			p = stdPackage(p, prog)
			prog.pkgs[i], prog.byPath[p.ImportPath] = p, p
		} else if err := prog.check(p); err != nil {
			return nil, err
		}
		for _, f := range p.files {
			for _, d := range directives(f) {
				if _, hasBody := findDeclIn(f, d.local); d.target != "" && hasBody {
					prog.pushed[d.target] = append(prog.pushed[d.target], push{p.ImportPath, p.types.Scope().Lookup(d.local), d.stdOnly})
				}
			}
		}
	}
	return prog, nil
}

// The standard library's packages are the same in every load of one
// process (one Go, one GOOS and GOARCH), so each is type-checked once and
// shared: the runtime among them. Its positions are in fset.
var (
	fset = token.NewFileSet()
	std  = struct {
		sync.Mutex
		pkgs map[string]*pkg
	}{pkgs: map[string]*pkg{}}
)

// stdPackage returns the checked standard-library package that p lists.
// Its dependencies come first in the list, so they are in the cache.
func stdPackage(p *pkg, prog *program) *pkg {
	std.Lock()
	defer std.Unlock()
	if cached := std.pkgs[p.ImportPath]; cached != nil {
		return cached
	}
	prog.check(p) // its errors are go build's to report
	std.pkgs[p.ImportPath] = p
	return p
}

func (prog *program) check(p *pkg) error {
	if p.ImportPath == "unsafe" {
		p.types = types.Unsafe
		return nil
	}
	for _, name := range p.GoFiles {
		path := filepath.Join(p.Dir, name)
		var src any
		if stand, ok := prog.overlay[path]; ok {
			data, err := os.ReadFile(stand)
			if err != nil {
				return err
			}
			src = data
		}
		f, err := parser.ParseFile(prog.fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil && f == nil {
			return err
		}
		p.files = append(p.files, f)
	}
	p.info = &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{
		Importer:         importerFunc(func(path string) (*types.Package, error) { return prog.imported(p, path) }),
		IgnoreFuncBodies: p.DepOnly,
		FakeImportC:      true,
		Error:            func(error) {}, // go build reports those; keep going
		Sizes:            prog.sizes,
	}
	p.types, _ = conf.Check(p.ImportPath, prog.fset, p.files, p.info)
	return nil
}

func (prog *program) imported(from *pkg, path string) (*types.Package, error) {
	if mapped, ok := from.ImportMap[path]; ok {
		path = mapped
	}
	if p := prog.byPath[path]; p != nil && p.types != nil {
		return p.types, nil
	}
	return nil, fmt.Errorf("package %s not loaded", path)
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func goarch() string {
	if a := os.Getenv("GOARCH"); a != "" {
		return a
	}
	out, err := exec.Command("go", "env", "GOARCH").Output()
	if err != nil {
		return "amd64"
	}
	return strings.TrimSpace(string(out))
}
