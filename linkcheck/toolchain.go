package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// A toolchain is one Go version as the go command sees it for this
// GOOS, GOARCH and cgo setting: everything that depends on the version
// (the go command's environment, the GOROOT whose sources are read, the
// linker's rules) comes from here, so that one process can look at a
// program through the eyes of another Go.
type toolchain struct {
	version string // GOVERSION, such as go1.26.8
	goroot  string
	goos    string
	goarch  string
	cgo     bool
	// env is the environment of every go command run for this toolchain.
	env []string
	// modCache is GOMODCACHE; cacheDir holds linkcheck's skeletons (""
	// when there is no user cache directory); writing counts the
	// skeletons being written.
	modCache, cacheDir string
	writing            sync.WaitGroup
	rules              *linkerRules
	// The standard library's packages are the same in every load with
	// one toolchain, so each is type-checked once and shared; their
	// positions are in fset.
	fset   *token.FileSet
	stdMu  sync.Mutex
	stdPkg map[string]*pkg
}

// newToolchain asks the go command, run with the environment env, about
// its Go, or about the Go named by version (such as go1.27.3), which the
// go command fetches through the module proxy when it is not in the
// module cache yet.
func newToolchain(version string, env []string) (*toolchain, error) {
	env = slices.Clone(env)
	if version != "" {
		env = append(env, "GOTOOLCHAIN="+version)
		if fetching(version) {
			fmt.Fprintf(os.Stderr, "linkcheck: %s is not in the module cache; the go command fetches it through the module proxy\n", version)
		}
	}
	cmd := exec.Command("go", "env", "-json", "GOVERSION", "GOROOT", "GOOS", "GOARCH", "CGO_ENABLED", "GOMODCACHE")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			err = fmt.Errorf("%v: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, fmt.Errorf("go env: %v", err)
	}
	var goEnv struct{ GOVERSION, GOROOT, GOOS, GOARCH, CGO_ENABLED, GOMODCACHE string }
	if err := json.Unmarshal(out, &goEnv); err != nil {
		return nil, fmt.Errorf("go env: %v", err)
	}
	tc := &toolchain{version: goEnv.GOVERSION, goroot: goEnv.GOROOT, goos: goEnv.GOOS, goarch: goEnv.GOARCH,
		cgo: goEnv.CGO_ENABLED == "1", env: env, modCache: goEnv.GOMODCACHE, fset: token.NewFileSet(), stdPkg: map[string]*pkg{}}
	tc.cacheDir, _ = cacheDir()
	tc.rules, err = readLinkerRules(tc.goroot)
	return tc, err
}

// cacheDir is where linkcheck keeps what does not change for one Go
// version: $LINKCHECK_CACHE when set, else os.UserCacheDir()/linkcheck.
func cacheDir() (string, error) {
	if dir := os.Getenv("LINKCHECK_CACHE"); dir != "" {
		return dir, nil
	}
	dir, err := os.UserCacheDir()
	return filepath.Join(dir, "linkcheck"), err
}

// fetching reports whether the toolchain for version is missing from the
// module cache, where GOTOOLCHAIN puts it.
func fetching(version string) bool {
	out, err := exec.Command("go", "env", "GOMODCACHE", "GOHOSTOS", "GOHOSTARCH").Output()
	fields := strings.Fields(string(out))
	if err != nil || len(fields) != 3 {
		return false
	}
	dir := filepath.Join(fields[0], "golang.org", "toolchain@v0.0.1-"+version+"."+fields[1]+"-"+fields[2])
	_, err = os.Stat(dir)
	return err != nil
}

// linkerRules are the linker's linkname rules, read from the toolchain's
// own source: cmd/link/internal/loader/loader.go.
type linkerRules struct {
	// blocked maps a symbol to the only packages that may reference it;
	// an empty list allows none.
	blocked map[string][]string
	// assemblyChecked: the linker checks references to assembly
	// functions, and references made from assembly, like any other (Go
	// 1.27); before, only the block-list applied to them.
	assemblyChecked bool
	// varsChecked: a pull of a variable is checked in full (Go 1.27);
	// before, only the block-list applied to it.
	varsChecked bool
	// linknameStd: the toolchain knows //go:linknamestd (Go 1.27);
	// before, the compiler ignored the line.
	linknameStd bool
}

func readLinkerRules(goroot string) (*linkerRules, error) {
	r := &linkerRules{blocked: map[string][]string{}}
	source := filepath.Join(goroot, "src", "cmd", "link", "internal", "loader", "loader.go")
	f, err := parser.ParseFile(token.NewFileSet(), source, nil, 0)
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
					r.linknameStd = r.linknameStd || ok && sel.Sel.Name == "IsLinknameStd"
					return true
				})
			}
		case *ast.Ident:
			// The list of variable pulls to check once all definitions
			// are loaded.
			r.varsChecked = r.varsChecked || n.Name == "linknameVarRefs"
		case *ast.ValueSpec:
			if len(n.Names) == 1 && n.Names[0].Name == "blockedLinknames" && len(n.Values) == 1 {
				lit, _ := n.Values[0].(*ast.CompositeLit)
				for _, elt := range lit.Elts {
					kv := elt.(*ast.KeyValueExpr)
					sym, _ := strconv.Unquote(kv.Key.(*ast.BasicLit).Value)
					r.blocked[sym] = []string{}
					for _, p := range kv.Value.(*ast.CompositeLit).Elts {
						path, _ := strconv.Unquote(p.(*ast.BasicLit).Value)
						r.blocked[sym] = append(r.blocked[sym], path)
					}
				}
			}
		}
		return true
	})
	if len(r.blocked) == 0 {
		return nil, fmt.Errorf("%s: no blockedLinknames", source)
	}
	return r, nil
}
