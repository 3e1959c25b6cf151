package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	// internalObjects: the packages whose C objects the linker links
	// itself, read from GOROOT only when a program has C objects.
	internalObjects struct {
		once sync.Once
		pkgs map[string]bool
		err  error
	}
	// The standard library's packages are the same in every load with
	// one toolchain, so each is type-checked once and shared; their
	// positions are in fset.
	fset   *token.FileSet
	stdMu  sync.Mutex
	stdPkg map[string]*pkg
	// context selects the files this version builds for the platform,
	// with its own release and tool tags; through buildContext.
	context *build.Context
}

// newToolchain asks the go command, run with the environment env, about
// its Go, or about the Go named by version: "local" is the go on PATH,
// and any other (such as go1.27.3) is what GOTOOLCHAIN=version selects.
// The go command fetches that one through the module proxy into the
// module cache when it is neither there nor the local one, and
// newToolchain says so in one line on standard error first.
func newToolchain(version string, env []string) (*toolchain, error) {
	if err := checkVersion(version); err != nil {
		return nil, err
	}
	env = slices.Clone(env)
	if version != "" {
		local, err := goEnv(append(slices.Clone(env), "GOTOOLCHAIN=local"), "GOVERSION", "GOMODCACHE", "GOHOSTOS", "GOHOSTARCH", "GOPROXY")
		if err != nil {
			return nil, err
		}
		if version != "local" && fetching(local, version) {
			if err := unknownRelease(env, local, version); err != nil {
				return nil, err
			}
			fmt.Fprintf(os.Stderr, "linkcheck: fetching %s through the module proxy (GOTOOLCHAIN=%s go env GOROOT)\n", version, version)
		}
		env = append(env, "GOTOOLCHAIN="+version)
	}
	goEnv, err := goEnv(env, "GOVERSION", "GOROOT", "GOOS", "GOARCH", "CGO_ENABLED", "GOMODCACHE")
	if err != nil {
		return nil, err
	}
	tc := &toolchain{version: goEnv["GOVERSION"], goroot: goEnv["GOROOT"], goos: goEnv["GOOS"], goarch: goEnv["GOARCH"],
		cgo: goEnv["CGO_ENABLED"] == "1", env: env, modCache: goEnv["GOMODCACHE"], fset: token.NewFileSet(), stdPkg: map[string]*pkg{}}
	tc.cacheDir, _ = cacheDir()
	tc.rules, err = readLinkerRules(tc.goroot)
	return tc, err
}

// goRelease is the form of a Go release as GOTOOLCHAIN names one:
// go1.27.3, go1.26rc1, go1.20.
var goRelease = regexp.MustCompile(`^go1\.[0-9]+(\.[0-9]+|(rc|beta)[0-9]+)?$`)

// checkVersion refuses what cannot name a Go version, before anything is
// run or fetched: "" (the running Go), local, or a release.
func checkVersion(version string) error {
	if version == "" || version == "local" || goRelease.MatchString(version) {
		return nil
	}
	return fmt.Errorf("%q is not a Go version: name a release such as go1.27.3, or local (the go on PATH)", version)
}

// toolchainModule is the module through which the go command fetches a
// Go release: one version per release and platform,
// v0.0.1-go1.27.3.linux-amd64.
const toolchainModule = "golang.org/toolchain"

// unknownRelease asks the module proxy, before the go command fetches
// version, whether it has that release for this platform, and says so
// when it lists none. When the list cannot be had (offline, say), it
// returns nil: the go command's own reason will tell.
func unknownRelease(env []string, local map[string]string, version string) error {
	cmd := exec.Command("go", "list", "-m", "-versions", "-retracted", toolchainModule)
	cmd.Dir = os.TempDir()
	cmd.Env = append(slices.Clone(env), "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := output(cmd)
	if err != nil {
		return nil
	}
	platform := local["GOHOSTOS"] + "-" + local["GOHOSTARCH"]
	if slices.Contains(strings.Fields(string(out)), "v0.0.1-"+version+"."+platform) {
		return nil
	}
	return fmt.Errorf("no Go release %s for %s: the module proxy (GOPROXY=%s) lists no %s@v0.0.1-%s.%s",
		version, local["GOHOSTOS"]+"/"+local["GOHOSTARCH"], local["GOPROXY"], toolchainModule, version, platform)
}

// fetching reports whether the go command that answered local (its
// GOVERSION, GOMODCACHE, GOHOSTOS, GOHOSTARCH) must download version: it
// is not that go, and not in the module cache, where GOTOOLCHAIN puts it.
func fetching(local map[string]string, version string) bool {
	if local["GOVERSION"] == version {
		return false
	}
	dir := filepath.Join(local["GOMODCACHE"], "golang.org",
		"toolchain@v0.0.1-"+version+"."+local["GOHOSTOS"]+"-"+local["GOHOSTARCH"])
	_, err := os.Stat(dir)
	return err != nil
}

// buildContext is the go/build context of this version for its platform.
// Release tags (go1.1 ... go1.N) and tool tags (goexperiment.*, the
// GOAMD64 level) belong to the version, not to the Go that built
// linkcheck: its own go list says them.
func (tc *toolchain) buildContext() (build.Context, error) {
	if tc.context != nil {
		return *tc.context, nil
	}
	ctxt := build.Default
	ctxt.GOROOT, ctxt.GOOS, ctxt.GOARCH, ctxt.CgoEnabled = tc.goroot, tc.goos, tc.goarch, tc.cgo
	cmd := exec.Command("go", "list", "-f", "{{join context.ReleaseTags \",\"}} {{join context.ToolTags \",\"}}", "unsafe")
	// Outside any module, so that no go.mod or go.work asks for another Go.
	cmd.Dir = os.TempDir()
	cmd.Env = append(slices.Clone(tc.env), "GOWORK=off")
	out, err := output(cmd)
	if err != nil {
		return ctxt, err
	}
	release, tool, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	ctxt.ReleaseTags = strings.Split(release, ",")
	ctxt.ToolTags = strings.Split(tool, ",")
	tc.context = &ctxt
	return ctxt, nil
}

// goEnv runs go env -json for names with the environment env, outside
// any module.
func goEnv(env []string, names ...string) (map[string]string, error) {
	return goEnvIn(append(slices.Clone(env), "GOWORK=off"), os.TempDir(), names...)
}

// output runs cmd; when it fails, the error is the go command's own
// reason, as it printed it (offline, unknown version, ...).
func output(cmd *exec.Cmd) ([]byte, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		// Without its progress line: linkcheck said it is fetching.
		var reason []string
		for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			if !strings.HasPrefix(line, "go: downloading ") {
				reason = append(reason, line)
			}
		}
		if len(reason) > 0 && reason[0] != "" {
			return nil, errors.New(strings.Join(reason, "\n"))
		}
		return nil, fmt.Errorf("%s: %v", strings.Join(cmd.Args, " "), err)
	}
	return out, nil
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

// loaderGo holds the linker's linkname rules, under GOROOT/src.
const loaderGo = "cmd/link/internal/loader/loader.go"

// linkerRules are the linker's linkname rules, read from the toolchain's
// own source: loaderGo.
type linkerRules struct {
	// blocked maps a symbol to the only packages that may reference it;
	// an empty list allows none. blockedLine is its line in loaderGo.
	blocked     map[string][]string
	blockedLine map[string]int
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
	// dupokLoses: of two symbols of one name, one marked DUPOK, the other
	// wins whatever their sizes (Go 1.27's addSym). A variable pulled
	// over a function whose ABI0 symbol is a DUPOK wrapper then replaces
	// the function, and the linker stops on a non-function in the text.
	// Before, the larger wrapper replaced the variable.
	dupokLoses bool
}

// overwritesDupok reports whether body holds an "if oldsym.Dupok()" whose
// block assigns to l.objSyms: the new symbol replaces a DUPOK old one.
func overwritesDupok(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		ifs, ok := n.(*ast.IfStmt)
		if !ok {
			return true
		}
		call, ok := ifs.Cond.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Dupok" {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "oldsym" {
			return true
		}
		ast.Inspect(ifs.Body, func(n ast.Node) bool {
			assign, ok := n.(*ast.AssignStmt)
			if !ok {
				return true
			}
			for _, lhs := range assign.Lhs {
				if index, ok := lhs.(*ast.IndexExpr); ok {
					if sel, ok := index.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "objSyms" {
						found = true
					}
				}
			}
			return true
		})
		return true
	})
	return found
}

func readLinkerRules(goroot string) (*linkerRules, error) {
	r := &linkerRules{blocked: map[string][]string{}, blockedLine: map[string]int{}}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(goroot, "src", loaderGo), nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var malformed error
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			// In addSym, "if oldsym.Dupok() { ... }" that overwrites the
			// old symbol with the new one (Go 1.27) rather than keeping
			// it.
			if n.Name.Name == "addSym" && n.Body != nil {
				r.dupokLoses = overwritesDupok(n.Body)
			}
			// Since Go 1.27, checkLinkname asks whether the definition
			// comes from assembly, rather than letting wrappers through.
			if n.Name.Name == "checkLinkname" && n.Body != nil {
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
			if len(n.Names) != 1 || n.Names[0].Name != "blockedLinknames" || len(n.Values) != 1 {
				break
			}
			lit, ok := n.Values[0].(*ast.CompositeLit)
			if !ok {
				malformed = errors.New("blockedLinknames is not a map literal")
				break
			}
			for _, elt := range lit.Elts {
				kv, ok := elt.(*ast.KeyValueExpr)
				if !ok {
					malformed = errors.New("unexpected blockedLinknames entry")
					break
				}
				key, kok := kv.Key.(*ast.BasicLit)
				allowed, aok := kv.Value.(*ast.CompositeLit)
				if !kok || !aok {
					malformed = errors.New("unexpected blockedLinknames entry")
					break
				}
				sym, _ := strconv.Unquote(key.Value)
				// An entry with no allowed package blocks everyone.
				r.blocked[sym] = []string{}
				r.blockedLine[sym] = fset.Position(kv.Pos()).Line
				for _, p := range allowed.Elts {
					if lit, ok := p.(*ast.BasicLit); ok {
						path, _ := strconv.Unquote(lit.Value)
						r.blocked[sym] = append(r.blocked[sym], path)
					}
				}
			}
		}
		return true
	})
	switch {
	case malformed != nil:
		return nil, fmt.Errorf("%s: %v", loaderGo, malformed)
	case len(r.blocked) == 0:
		return nil, fmt.Errorf("%s: no blockedLinknames", loaderGo)
	}
	return r, nil
}
