package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

// linkcheck -upgrade MODULE@VERSION checks the program twice with one Go:
// as its go.mod resolves it, and as it resolves after go get
// MODULE@VERSION. The go get runs on copies of go.mod and go.sum in a
// folder of its own (the go command's -modfile), so the user's files do
// not change, and the second check reads through those copies. The report
// is a Go upgrade's: same kinds, grouping, JSON and exit status.

// An upgradeTarget is what -upgrade names: a Go release, or a module at a
// version that go get takes.
type upgradeTarget struct {
	goVersion       string
	module, version string
}

// modulePathForm is a module path as go get fetches one: a first element
// with a dot, then more elements.
var modulePathForm = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_~-]*(\.[A-Za-z0-9_~-]+)+(/[A-Za-z0-9._~+-]+)*$`)

// moduleQueryForm is what go get takes after the @: a version (v1.2.3), a
// query (latest, upgrade, patch, <v1.2), a commit or a branch, or none.
var moduleQueryForm = regexp.MustCompile(`^[A-Za-z0-9<>=._+/-]+$`)

// parseUpgrade decides what -upgrade names, before anything is run or
// fetched. "" is no upgrade.
func parseUpgrade(arg string) (upgradeTarget, error) {
	notGo := checkVersion(arg)
	if notGo == nil {
		return upgradeTarget{goVersion: arg}, nil
	}
	module, version, ok := strings.Cut(arg, "@")
	switch {
	case ok && (module == "go" || module == "toolchain"):
		return upgradeTarget{}, fmt.Errorf("%q would change the go or toolchain line, not a dependency: name the Go release itself, such as -upgrade go1.27.3", arg)
	case ok && modulePathForm.MatchString(module) && moduleQueryForm.MatchString(version):
		return upgradeTarget{module: module, version: version}, nil
	}
	return upgradeTarget{}, fmt.Errorf("%v; nor is it MODULE@VERSION, a module and the version go get would take, such as golang.org/x/net@v0.30.0", notGo)
}

// A moduleUpgrade is the module that -upgrade changes, with its version
// before and after go get: "none" when the build list lacks it.
type moduleUpgrade struct {
	path, from, to string
}

// moduleTempPattern names the folder that holds the go.mod and go.sum
// copies of one run, in os.TempDir().
const moduleTempPattern = "linkcheck-upgrade-*"

// runModuleUpgrade checks the program with tc as it is and after go get
// target, and prints what changes: errFails when the change breaks the
// build or makes a signature unsafe.
func runModuleUpgrade(tc *toolchain, target upgradeTarget, dir string, patterns []string, overlay string, opts options, asJSON bool, stdout io.Writer) error {
	tmp, err := os.MkdirTemp("", moduleTempPattern)
	if err != nil {
		return err
	}
	sweepUpgradeFolders(filepath.Dir(tmp), tmp)
	// The copies go when the run ends, and when it is interrupted or
	// terminated.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	done := make(chan bool)
	defer func() {
		signal.Stop(stop)
		close(done)
		os.RemoveAll(tmp)
	}()
	go func() {
		select {
		case <-stop:
			os.RemoveAll(tmp)
			os.Exit(2)
		case <-done:
		}
	}()
	after, mu, err := getInCopy(tc, dir, tmp, target)
	if err != nil {
		return fmt.Errorf("-upgrade %s@%s: %w", target.module, target.version, err)
	}
	return upgradeBetween(tc, after, &mu, dir, patterns, overlay, opts, asJSON, stdout)
}

// sweepUpgradeFolders removes the folders that interrupted runs left in
// dir, older than the cache's staleAfter; not this run's own.
func sweepUpgradeFolders(dir, own string) {
	old, _ := filepath.Glob(filepath.Join(dir, moduleTempPattern))
	for _, f := range old {
		if info, err := os.Stat(f); f != own && err == nil && time.Since(info.ModTime()) > staleAfter {
			os.RemoveAll(f)
		}
	}
}

// getInCopy copies the go.mod and go.sum of dir's module to tmp, runs go
// get target there (-modfile), and returns a toolchain like tc whose go
// commands read those copies, with the module's versions before and
// after. A workspace (go.work) is refused: see workspaceRefusal.
func getInCopy(tc *toolchain, dir, tmp string, target upgradeTarget) (*toolchain, moduleUpgrade, error) {
	mu := moduleUpgrade{path: target.module}
	env, err := goEnvIn(tc.env, dir, "GOMOD", "GOWORK", "GOFLAGS")
	if err != nil {
		return nil, mu, err
	}
	if w := env["GOWORK"]; w != "" && w != "off" {
		return nil, mu, errors.New(workspaceRefusal(w, target))
	}
	if env["GOMOD"] == "" || env["GOMOD"] == os.DevNull {
		return nil, mu, fmt.Errorf("%s is in no module: go get changes a go.mod, and there is none to change", dir)
	}
	modFile := filepath.Join(tmp, "go.mod")
	if strings.ContainsAny(modFile, " \t") {
		return nil, mu, fmt.Errorf("the temporary folder %s has a space, which GOFLAGS cannot carry: set TMPDIR to another", tmp)
	}
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(filepath.Dir(env["GOMOD"]), name))
		if errors.Is(err, os.ErrNotExist) && name == "go.sum" {
			continue
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(tmp, name), data, 0o666)
		}
		if err != nil {
			return nil, mu, err
		}
	}
	if mu.from, err = moduleVersion(tc.env, dir, target.module); err != nil {
		return nil, mu, err
	}
	// Every go command of the second check reads the copies; -mod=mod,
	// so that a vendor folder made for the first does not stand in.
	var flags []string
	for _, f := range strings.Fields(env["GOFLAGS"]) {
		if !strings.HasPrefix(f, "-mod=") && !strings.HasPrefix(f, "-modfile=") {
			flags = append(flags, f)
		}
	}
	flags = append(flags, "-mod=mod", "-modfile="+modFile)
	afterEnv := append(slices.Clone(tc.env), "GOFLAGS="+strings.Join(flags, " "))
	get := exec.Command("go", "get", target.module+"@"+target.version)
	get.Dir, get.Env = dir, afterEnv
	if _, err := output(get); err != nil {
		return nil, mu, fmt.Errorf("go get: %v", err)
	}
	if mu.to, err = moduleVersion(afterEnv, dir, target.module); err != nil {
		return nil, mu, err
	}
	after, err := newToolchain("", afterEnv)
	return after, mu, err
}

// workspaceRefusal says why a module upgrade is not checked in a
// workspace, and what to run instead. There, go get changes the go.mod of
// one workspace module while the build list is the whole workspace's, and
// the go command's -modfile is refused; checking the module alone is a
// choice the user makes, with GOWORK=off for both checks.
func workspaceRefusal(goWork string, target upgradeTarget) string {
	return "the module is in the workspace " + goWork + ", where go get edits one workspace module's go.mod and the build list is the workspace's: " +
		"check the module alone, as its own go.mod resolves it, with GOWORK=off linkcheck -upgrade " + target.module + "@" + target.version + ", or run go get in a copy of the workspace"
}

// goEnvIn runs go env -json for names in dir, with the environment env:
// what the go command sees there (the module, the workspace).
func goEnvIn(env []string, dir string, names ...string) (map[string]string, error) {
	cmd := exec.Command("go", append([]string{"env", "-json"}, names...)...)
	cmd.Dir, cmd.Env = dir, env
	out, err := output(cmd)
	if err != nil {
		return nil, err
	}
	values := map[string]string{}
	if err := json.Unmarshal(out, &values); err != nil {
		return nil, fmt.Errorf("go env -json: %v", err)
	}
	return values, nil
}

// moduleVersion is the version of module in dir's build list, "none"
// when it is not there, and VERSION => REPLACEMENT when go.mod replaces it.
func moduleVersion(env []string, dir, module string) (string, error) {
	cmd := exec.Command("go", "list", "-m", "-e", "-json=Version,Replace,Error", module)
	cmd.Dir, cmd.Env = dir, env
	out, err := output(cmd)
	if err != nil {
		return "", err
	}
	var m struct {
		Version string
		Replace *struct{ Path, Version string }
		Error   *struct{ Err string }
	}
	if err := json.Unmarshal(out, &m); err != nil {
		return "", fmt.Errorf("go list -m %s: %v", module, err)
	}
	switch {
	case m.Error != nil || m.Version == "":
		return "none", nil
	case m.Replace != nil:
		return m.Version + " => " + strings.TrimSpace(m.Replace.Path+" "+m.Replace.Version), nil
	}
	return m.Version, nil
}

// label names a side of the upgrade: module@version.
func (mu moduleUpgrade) label(version string) string {
	return mu.path + "@" + version
}

// dependencyWords turns a Go upgrade's words into a module upgrade's.
var dependencyWords = strings.NewReplacer("the first Go", "the first version", "the second Go", "the second version")

// sharedVerified lists the platforms where a c-shared and a plugin build
// of a program whose pulled target is missing were built for real
// (TestModuleUpgrade, with go1.26.8 and go1.27.3): they fail too.
var sharedVerified = []string{"linux/amd64"}

// sharedBuildNote says what -buildmode=c-shared and -buildmode=plugin do
// with a line that fails because nothing defines its target, when the
// target's package is outside the standard library; "" for any other
// line.
func sharedBuildNote(prog *program, f *finding) string {
	if f == nil || f.Link != linkFails || f.Reason != reasonUndefined || prog.isStdPath(symbolPath(f.Target)) {
		return ""
	}
	if platform := prog.tc.goos + "/" + prog.tc.goarch; !slices.Contains(sharedVerified, platform) {
		return "-buildmode=c-shared and plugin are not verified on " + platform + ": a c-shared build may link and leave " + f.Target + " an undefined dynamic symbol (golang/go#81051)"
	}
	return "-buildmode=c-shared and plugin fail too, naming " + f.Target + ": none leaves it an undefined dynamic symbol"
}

// isStdPath reports whether the package path is the standard library's:
// as the program lists it, else by its first element, which has no dot.
func (prog *program) isStdPath(path string) bool {
	if p := prog.byPath[path]; p != nil {
		return p.Standard
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// movedModules maps the path of each module that both sides build, at
// two versions, to those versions: a module upgrade moves them.
type movedModules map[string][2]string

// findMoved finds the modules whose version differs between the
// findings before and after; none for a Go upgrade, where go.mod is the
// same.
func findMoved(before, after []finding) movedModules {
	versions := func(fs []finding) map[string]string {
		m := map[string]string{}
		for _, f := range fs {
			if path, version, ok := strings.Cut(f.Module, "@"); ok {
				m[path] = version
			}
		}
		return m
	}
	b, a := versions(before), versions(after)
	moved := movedModules{}
	for path, v := range b {
		if w, ok := a[path]; ok && w != v {
			moved[path] = [2]string{v, w}
		}
	}
	return moved
}

// key names a line of a moved module the same way at both versions,
// whatever file and line it moved to: by module path, package, local
// name and target. "" for a line of any other module.
func (moved movedModules) key(f finding) string {
	path, _, _ := strings.Cut(f.Module, "@")
	if _, ok := moved[path]; !ok {
		return ""
	}
	return strings.Join([]string{path, f.Package, f.Local, f.Target}, "\x00")
}

// label names a module in the report: module@version, or for a moved
// module, module@old -> new.
func (moved movedModules) label(module string) string {
	path, _, _ := strings.Cut(module, "@")
	if v, ok := moved[path]; ok {
		return path + "@" + v[0] + " -> " + v[1]
	}
	return module
}
