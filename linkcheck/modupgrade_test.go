package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// The dependency of the module-upgrade tests, in two versions served by
// a module proxy on disk: v1.1.0 renames hello, which the program pulls,
// and changes the type of count, which it pulls too; its own pull of
// runtime.nanotime moves to another file and takes another type.
var depVersions = map[string]map[string]string{
	"example.com/dep@v1.0.0": {
		"go.mod": "module example.com/dep\n\ngo 1.23\n",
		"dep.go": `package dep

import _ "unsafe"

// Hello answers.
func Hello() int { return hello() + count(1) + int(nanotime()&0) }

func hello() int { return 42 }

func count(n int) int { return n }

//go:linkname nanotime runtime.nanotime
func nanotime() int64
`,
	},
	"example.com/dep@v1.1.0": {
		"go.mod": "module example.com/dep\n\ngo 1.23\n",
		"dep.go": `package dep

// Hello answers.
func Hello() int { return greet() + count("a", 1) + int(nanotime()*0) }

func greet() int { return 42 }

func count(s string, n int) int { return len(s) + n }
`,
		"clock.go": `package dep

import _ "unsafe"

//go:linkname nanotime runtime.nanotime
func nanotime() float64
`,
	},
}

// depProgram pulls both of the dependency's unexported functions.
var depProgram = map[string]string{
	"go.mod": "module example.test\n\ngo 1.23\n\nrequire example.com/dep v1.0.0\n",
	"main.go": `package main

import (
	_ "unsafe"

	"example.com/dep"
)

//go:linkname hello example.com/dep.hello
func hello() int

//go:linkname count example.com/dep.count
func count(n int) int

func main() { println(hello(), count(2), dep.Hello()) }
`,
}

// writeDepProgram writes depProgram, and the proxy that serves its
// dependency; it returns the program's folder and the environment of go
// commands that fetch from that proxy alone. go.sum is written as go mod
// tidy writes it: what follows must not change it.
func writeDepProgram(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range depProgram {
		writeFile(t, filepath.Join(dir, name), content)
	}
	env := proxyEnv(t, writeProxy(t, depVersions))
	goIn(t, dir, env, "mod", "tidy")
	return dir, env
}

// goIn runs the go command in dir with env, and fails the test when it
// fails.
func goIn(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// goOnPath is env with version's go first on PATH and GOTOOLCHAIN=local:
// that Go, whatever the module cache of env holds.
func goOnPath(t *testing.T, env []string, version string) []string {
	t.Helper()
	if version == "local" {
		return env
	}
	skipWithout(t, version)
	local := localGoEnv(t)
	bin := filepath.Join(local["GOMODCACHE"], "golang.org", "toolchain@v0.0.1-"+version+"."+local["GOHOSTOS"]+"-"+local["GOHOSTARCH"], "bin")
	return append(slices.Clone(env), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "GOTOOLCHAIN=local")
}

// setEnv sets env for the rest of the test, for linkcheck run in-process.
func setEnv(t *testing.T, env []string) {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// TestModuleUpgrade runs linkcheck -upgrade example.com/dep@v1.1.0 on a
// program that pulls two unexported functions of the dependency, with
// each Go, and holds its report to what go build says after go get: the
// renamed target stops the build, as linkcheck predicts it, and c-shared
// and plugin builds fail too, as the report's note says. The user's
// go.mod and go.sum do not change, and no temporary file is left.
func TestModuleUpgrade(t *testing.T) {
	// Before the environment changes: the test's toolchain is made once.
	modes := sharedModes(t)
	for _, version := range []string{"local", "go1.27.3"} {
		t.Run(version, func(t *testing.T) {
			dir, env := writeDepProgram(t)
			env = goOnPath(t, env, version)
			tmp := t.TempDir()
			env = append(env, "TMPDIR="+tmp)
			setEnv(t, env)
			files := map[string]string{}
			for _, name := range []string{"go.mod", "go.sum"} {
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				files[name] = string(data)
			}
			stdout, stderr, status := runIn(t, dir, "-json", "-upgrade", "example.com/dep@v1.1.0", ".")
			if status != 1 {
				t.Fatalf("status %d, want 1 (the upgrade breaks the build)\n%s%s", status, stdout, stderr)
			}
			var r upgradeReport
			if err := json.Unmarshal([]byte(stdout), &r); err != nil {
				t.Fatalf("%v\n%s", err, stdout)
			}
			if r.From != "example.com/dep@v1.0.0" || r.To != "example.com/dep@v1.1.0" || r.Dependency != "example.com/dep" ||
				r.FromBuild != buildLinks || r.ToBuild != buildFails || !r.Breaks || len(r.Modules) != 2 ||
				r.Modules[0].Module != "example.com/dep@v1.0.0 -> v1.1.0" || r.Modules[1].Module != "example.test" {
				t.Fatalf("report:\n%s", stdout)
			}
			if version != "local" && r.Go != version {
				t.Fatalf("checked with %s, want %s", r.Go, version)
			}
			kinds := map[string][]string{}
			var renamed upgradeChange
			for _, c := range slices.Concat(r.Modules[0].Changes, r.Modules[1].Changes) {
				kinds[c.Local] = c.Kinds
				if c.Local == "hello" {
					renamed = c
				}
			}
			want := map[string][]string{
				"hello": {changeStops, changeTargetRemoved},
				"count": {changeTargetType, changeUnsafe},
				// Moved to clock.go: one line, not one gone and one new.
				"nanotime": {changeUnsafe},
			}
			if !equalKinds(kinds, want) {
				t.Errorf("kinds %q, want %q\n%s", kinds, want, stdout)
			}
			if renamed.After == nil || renamed.SharedBuilds == "" || !strings.Contains(renamed.After.Fails, "example.com/dep.hello") {
				t.Fatalf("the renamed target's change: %+v", renamed)
			}
			for name, was := range files {
				if data, _ := os.ReadFile(filepath.Join(dir, name)); string(data) != was {
					t.Errorf("%s changed:\n%s\nwas:\n%s", name, data, was)
				}
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("left in TMPDIR: %v", left)
			}
			if version == "local" {
				checkTranscript(t, dir)
			}
			// Now for real: go build links before the upgrade, and after
			// it fails as predicted; c-shared and plugin builds too.
			goIn(t, dir, env, "build", "-o", filepath.Join(t.TempDir(), "app"), ".")
			goIn(t, dir, env, "get", "example.com/dep@v1.1.0")
			for _, mode := range modes {
				cmd := exec.Command("go", "build", "-buildmode="+mode, "-o", filepath.Join(t.TempDir(), "out"), ".")
				cmd.Dir, cmd.Env = dir, env
				out, err := cmd.CombinedOutput()
				switch {
				case err == nil:
					t.Errorf("-buildmode=%s links after the upgrade; linkcheck says: %s", mode, renamed.SharedBuilds)
				case mode == "exe" && !strings.Contains(string(out), renamed.After.Fails):
					t.Errorf("go build says:\n%slinkcheck predicts %q", out, renamed.After.Fails)
				case !strings.Contains(string(out), renamed.Target):
					t.Errorf("-buildmode=%s says:\n%sit does not name %s", mode, out, renamed.Target)
				}
			}
		})
	}
}

// sharedModes are the build modes that TestModuleUpgrade builds: exe, and
// where linkcheck says it verified them, c-shared and plugin, which need
// cgo.
func sharedModes(t *testing.T) []string {
	tc := toolchainOrFail(t)
	if !tc.cgo || !slices.Contains(sharedVerified, tc.goos+"/"+tc.goarch) {
		return []string{"exe"}
	}
	return []string{"exe", "c-shared", "plugin"}
}

func equalKinds(got, want map[string][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			return false
		}
	}
	return true
}

// In a workspace, a module upgrade is refused with what to run instead;
// with GOWORK=off, the module is checked alone.
func TestModuleUpgradeWorkspace(t *testing.T) {
	dir, env := writeDepProgram(t)
	writeFile(t, filepath.Join(dir, "go.work"), "go 1.23\n\nuse .\n")
	setEnv(t, env)
	t.Setenv("GOWORK", "")
	chdir(t, dir)
	t.Setenv("LINKCHECK_CACHE", testCache)
	var out, errOut strings.Builder
	status := run([]string{"-upgrade", "example.com/dep@v1.1.0", "."}, &out, &errOut)
	if want := "is in the workspace " + filepath.Join(dir, "go.work"); status != 2 || !strings.Contains(errOut.String(), want) ||
		!strings.Contains(errOut.String(), "GOWORK=off linkcheck -upgrade example.com/dep@v1.1.0") {
		t.Errorf("in a workspace: status %d, want 2 and %q\n%s%s", status, want, out.String(), errOut.String())
	}
	// As README.md says, the go command refuses -modfile there.
	list := exec.Command("go", "list", "-modfile="+filepath.Join(t.TempDir(), "go.mod"), "-m")
	list.Dir = dir
	if out, err := list.CombinedOutput(); err == nil || !strings.Contains(string(out), "-modfile cannot be used in workspace mode") {
		t.Errorf("go list -modfile in a workspace: %v\n%s", err, out)
	}
	if _, _, status := runIn(t, dir, "-upgrade", "example.com/dep@v1.1.0", "."); status != 1 {
		t.Errorf("with GOWORK=off: status %d, want 1", status)
	}
}

// -upgrade takes a Go release or MODULE@VERSION, and refuses anything else
// before any go command runs, saying what it takes.
func TestParseUpgrade(t *testing.T) {
	for arg, want := range map[string]upgradeTarget{
		"":                                   {},
		"go1.27.3":                           {goVersion: "go1.27.3"},
		"local":                              {goVersion: "local"},
		"golang.org/x/net@v0.30.0":           {module: "golang.org/x/net", version: "v0.30.0"},
		"example.com/dep@latest":             {module: "example.com/dep", version: "latest"},
		"github.com/ugorji/go/codec@v1.2.12": {module: "github.com/ugorji/go/codec", version: "v1.2.12"},
	} {
		if got, err := parseUpgrade(arg); err != nil || got != want {
			t.Errorf("parseUpgrade(%q) = %+v, %v; want %+v", arg, got, err, want)
		}
	}
	dir := writeModule(t, filesProgram)
	for arg, says := range map[string]string{
		"golang.org/x/net":   "nor is it MODULE@VERSION",
		"v0.30.0":            "nor is it MODULE@VERSION",
		"net@v0.30.0":        "nor is it MODULE@VERSION",
		"example.com/dep@":   "nor is it MODULE@VERSION",
		"go@1.27.3":          "name the Go release itself, such as -upgrade go1.27.3",
		"toolchain@go1.27.3": "name the Go release itself",
	} {
		t.Setenv("PATH", "")
		stdout, stderr, status := runIn(t, dir, "-upgrade", arg, ".")
		if status != 2 || stdout != "" || !strings.Contains(stderr, says) {
			t.Errorf("-upgrade %s: status %d, want 2 and %q\n%s%s", arg, status, says, stdout, stderr)
		}
	}
}

// checkTranscript holds README.md's module-upgrade transcript to
// linkcheck's report on the program in dir, and go build's after go get;
// with -update, it writes it.
func checkTranscript(t *testing.T, dir string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("```\n$ cat main.go\n" + depProgram["main.go"])
	stdout, stderr, status := runIn(t, dir, "-upgrade", "example.com/dep@v1.1.0", ".")
	if status != 1 || stderr != "" {
		t.Fatalf("status %d, want 1\n%s%s", status, stdout, stderr)
	}
	fmt.Fprintf(&b, "$ linkcheck -upgrade example.com/dep@v1.1.0 .\n%s$ echo $?\n%d\n", stdout, status)
	// go build in a copy, after the upgrade.
	copyDir := t.TempDir()
	for _, name := range []string{"go.mod", "go.sum", "main.go"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(copyDir, name), string(data))
	}
	goIn(t, copyDir, os.Environ(), "get", "example.com/dep@v1.1.0")
	cmd := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "app"), ".")
	cmd.Dir = copyDir
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("go build links after the upgrade")
	}
	b.WriteString("$ go get example.com/dep@v1.1.0 && go build .\n" + string(out) + "```\n")
	block := b.String()
	was := readmeGo.FindString(readmeSection(t, moduleTranscriptBegin, moduleTranscriptEnd))
	if now := readmeGo.FindString(block); !*update && was != now {
		t.Logf("README.md's transcript is recorded %s, this run is %s", was, now)
		return
	}
	checkReadmeBlock(t, moduleTranscriptBegin, moduleTranscriptEnd, block)
}

// The module-upgrade transcript's markers in README.md.
const (
	moduleTranscriptBegin = "<!-- module upgrade transcript: go test -run TestModuleUpgrade -update rewrites it -->\n"
	moduleTranscriptEnd   = "<!-- end of the module upgrade transcript -->\n"
)

// readmeGo finds the Go that a module-upgrade transcript ran with.
var readmeGo = regexp.MustCompile(`with go[0-9.a-z]+ \(`)

// readmeSection is README.md's text between begin and end.
func readmeSection(t *testing.T, begin, end string) string {
	t.Helper()
	data, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(data), begin)
	section, _, _ := strings.Cut(rest, end)
	return section
}

// moduleUpgrades fetches published modules (network) and runs -upgrade
// MODULE@VERSION on real upgrades from the corpus.
var moduleUpgrades = flag.Bool("module-upgrades", false, "run -upgrade MODULE@VERSION on real module upgrades from the corpus, fetched through the module proxy, and hold them to real builds (network)")

// realUpgrades are upgrades of modules from the corpus, each in a program
// that blank-imports the package named.
var realUpgrades = []struct{ module, from, to, imports string }{
	{"github.com/modern-go/reflect2", "v1.0.1", "v1.0.2", "github.com/modern-go/reflect2"},
	{"github.com/goccy/go-json", "v0.9.11", "v0.10.6", "github.com/goccy/go-json"},
	{"github.com/ugorji/go/codec", "v1.1.7", "v1.2.12", "github.com/ugorji/go/codec"},
	{"github.com/bytedance/sonic", "v1.10.2", "v1.15.5", "github.com/bytedance/sonic"},
}

// moduleUpgradesRecord holds what TestModuleUpgradesReal saw; found
// before any test changes the working folder.
var moduleUpgradesRecord, _ = filepath.Abs("testdata/module-upgrades.md")

// TestModuleUpgradesReal runs -upgrade MODULE@VERSION on each of
// realUpgrades, with go1.26.8 and (-go) go1.27.3, records the reports in
// moduleUpgradesRecord (-update rewrites it), and holds each to go build
// before and after go get: the build links where linkcheck says it does.
func TestModuleUpgradesReal(t *testing.T) {
	if !*moduleUpgrades {
		t.Skip("fetches published modules: go test -run TestModuleUpgradesReal -module-upgrades")
	}
	var record strings.Builder
	record.WriteString("# Module upgrades from the corpus\n\nWritten by `go test -run TestModuleUpgradesReal -module-upgrades -update` (network): each program\nrequires the first version and blank-imports the package named.\n")
	for _, version := range []string{"go1.26.8", "go1.27.3"} {
		skipWithout(t, version)
		for _, u := range realUpgrades {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "go.mod"), "module example.test\n\ngo 1.23\n\nrequire "+u.module+" "+u.from+"\n")
			writeFile(t, filepath.Join(dir, "main.go"), "package main\n\nimport _ \""+u.imports+"\"\n\nfunc main() {}\n")
			env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN="+version)
			goIn(t, dir, env, "mod", "tidy")
			goVersion := []string{"-go", version}
			args := append(goVersion, "-upgrade", u.module+"@"+u.to, ".")
			text, stderr, status := runIn(t, dir, args...)
			if status == 2 {
				t.Fatalf("linkcheck %s: %s", strings.Join(args, " "), stderr)
			}
			jsonOut, _, _ := runIn(t, dir, append([]string{"-json"}, args...)...)
			var r upgradeReport
			if err := json.Unmarshal([]byte(jsonOut), &r); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&record, "\n## %s %s -> %s, %s\n\n```\n$ linkcheck %s\n%sexit status %d\n```\n", u.module, u.from, u.to, version, strings.Join(args, " "), text, status)
			// Held to go build, before and after go get.
			for _, side := range []struct{ want, get string }{{r.FromBuild, ""}, {r.ToBuild, u.module + "@" + u.to}} {
				if side.get != "" {
					goIn(t, dir, env, "get", side.get)
				}
				cmd := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "app"), ".")
				cmd.Dir, cmd.Env = dir, env
				out, err := cmd.CombinedOutput()
				if links := err == nil; links != (side.want != buildFails) {
					t.Errorf("%s %s, %s: go build links: %v; linkcheck says %s\n%s", u.module, cmp.Or(side.get, u.from), version, links, side.want, out)
				}
			}
		}
	}
	data, _ := os.ReadFile(moduleUpgradesRecord)
	if *update {
		if err := os.WriteFile(moduleUpgradesRecord, []byte(record.String()), 0o666); err != nil {
			t.Fatal(err)
		}
	} else if string(data) != record.String() {
		t.Errorf("%s is stale (go test -run TestModuleUpgradesReal -module-upgrades -update):\n%s", moduleUpgradesRecord, record.String())
	}
}

// TestModuleUpgradesReadme holds README.md's summary of the real module
// upgrades to moduleUpgradesRecord: each command, its summary line and
// its exit status. Offline: the record is TestModuleUpgradesReal's.
func TestModuleUpgradesReadme(t *testing.T) {
	data, err := os.ReadFile(moduleUpgradesRecord)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("```\n")
	sections := strings.Split(string(data), "\n## ")[1:]
	if len(sections) != 2*len(realUpgrades) {
		t.Fatalf("%s has %d upgrades, want %d: one per Go for each of realUpgrades", moduleUpgradesRecord, len(sections), 2*len(realUpgrades))
	}
	for _, section := range sections {
		lines := strings.Split(strings.TrimSuffix(section, "\n"), "\n")
		// heading, "", ```, $ command, report..., summary, exit status, ```
		if len(lines) < 7 || !strings.HasPrefix(lines[3], "$ linkcheck ") || !strings.HasPrefix(lines[len(lines)-2], "exit status ") {
			t.Fatalf("%s: malformed section:\n%s", moduleUpgradesRecord, section)
		}
		b.WriteString(strings.Join([]string{lines[3], lines[len(lines)-3], lines[len(lines)-2]}, "\n") + "\n")
	}
	b.WriteString("```\n")
	// What README.md says the record shows, with each Go.
	claims := map[string][]string{
		"github.com/modern-go/reflect2": {"mapiterinit -> reflect.mapiterinit [pull]\n      signature becomes safe\n",
			"typelinks1 -> reflect.typelinks [pull]\n      built only by the first version\n"},
		"github.com/goccy/go-json": {"46 directives checked: nothing changes"},
		"github.com/ugorji/go/codec": {"mapiternext -> runtime.mapiternext [handshake]\n      built only by the second version\n" +
			"      github.com/ugorji/go/codec@v1.2.12: links (std_marked by runtime)\n      UNSAFE signature, can corrupt memory: 1 results vs 0\n"},
		"github.com/bytedance/sonic": {"unquoteBytes -> encoding/json.unquoteBytes [pull]\n      built only by the first version\n      github.com/bytedance/sonic@v1.10.2: fails (",
			"growslice -> runtime.growslice [handshake]\n      built only by the second version\n      github.com/bytedance/sonic@v1.15.5: links (std_marked by runtime)\n      UNSAFE signature",
			"the build fails with the first version, and links with the second"},
		"github.com/bytedance/sonic, go1.26.8": {"unquoteBytes -> encoding/json.unquoteBytes [pull]\n      built only by the first version\n      github.com/bytedance/sonic@v1.10.2: fails (unmarked)\n"},
		"github.com/bytedance/sonic, go1.27.3": {"unquoteBytes -> encoding/json.unquoteBytes [pull]\n      built only by the first version\n      github.com/bytedance/sonic@v1.10.2: fails (undefined)\n"},
	}
	for _, section := range sections {
		heading, _, _ := strings.Cut(section, "\n")
		module, _, _ := strings.Cut(heading, " ")
		_, goVersion, _ := strings.Cut(heading, ", ")
		for _, claim := range append(claims[module], claims[module+", "+goVersion]...) {
			if !strings.Contains(section, claim) {
				t.Errorf("%s: README.md says it shows %q:\n%s", moduleUpgradesRecord, claim, section)
			}
		}
	}
	checkReadmeBlock(t, "<!-- module upgrades from the corpus: go test -run TestModuleUpgradesReadme -update rewrites it -->\n", "<!-- end of the module upgrades from the corpus -->\n", b.String())
}

// A version that the proxy does not have stops the run with the go
// command's reason, and the run removes what killed runs left in TMPDIR
// (older than the cache's staleAfter), not what a running one holds.
func TestModuleUpgradeUnknownVersion(t *testing.T) {
	dir, env := writeDepProgram(t)
	tmp := t.TempDir()
	setEnv(t, append(env, "TMPDIR="+tmp))
	killed, running := filepath.Join(tmp, "linkcheck-upgrade-1"), filepath.Join(tmp, "linkcheck-upgrade-2")
	writeFile(t, filepath.Join(killed, "go.mod"), "module example.test\n")
	writeFile(t, filepath.Join(running, "go.mod"), "module example.test\n")
	old := time.Now().Add(-staleAfter - time.Minute)
	if err := os.Chtimes(killed, old, old); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, status := runIn(t, dir, "-upgrade", "example.com/dep@v1.9.0", ".")
	if want := "linkcheck: -upgrade example.com/dep@v1.9.0: go get: "; status != 2 || !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, "v1.9.0") {
		t.Errorf("status %d, want 2 and %q with the go command's reason\n%s%s", status, want, stdout, stderr)
	}
	left, _ := os.ReadDir(tmp)
	if len(left) != 1 || left[0].Name() != filepath.Base(running) {
		t.Errorf("left in TMPDIR: %v, want only %s", left, filepath.Base(running))
	}
}

// An interrupted run removes its copies of go.mod and go.sum: here it is
// interrupted while go get runs, which a go on PATH that waits stands
// for.
func TestModuleUpgradeInterrupted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("interrupts a process with SIGINT")
	}
	realGo, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	linkcheck := buildLinkcheck(t, "local")
	dir, env := writeDepProgram(t)
	bin, tmp := t.TempDir(), t.TempDir()
	marker := filepath.Join(t.TempDir(), "in-go-get")
	// The stand-in runs go, but for go get: it says so, then waits for
	// linkcheck to end.
	writeFile(t, filepath.Join(bin, "go"), "#!/bin/sh\nif [ \"$1\" = get ]; then\n\ttouch '"+marker+"'\n\twhile kill -0 $PPID 2>/dev/null; do sleep 0.1; done\n\texit 1\nfi\nexec '"+realGo+"' \"$@\"\n")
	if err := os.Chmod(filepath.Join(bin, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(linkcheck, "-upgrade", "example.com/dep@v1.1.0", ".")
	cmd.Dir = dir
	cmd.Env = append(env, "TMPDIR="+tmp, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "LINKCHECK_CACHE="+testCache)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("linkcheck ended before go get: %v\n%s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 1 {
		t.Fatalf("in TMPDIR while go get runs: %v, want the run's folder", left)
	}
	cmd.Process.Signal(os.Interrupt)
	err = <-done
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 2 {
		t.Errorf("interrupted: %v, want exit status 2\n%s", err, stderr.String())
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}

// When go.mod replaces the module, go get changes its requirement and
// both checks build the replacement: from and to say so, and nothing
// changes.
func TestModuleUpgradeReplaced(t *testing.T) {
	dir, env := writeDepProgram(t)
	for name, content := range depVersions["example.com/dep@v1.0.0"] {
		writeFile(t, filepath.Join(dir, "dep", name), content)
	}
	goIn(t, dir, env, "mod", "edit", "-replace", "example.com/dep=./dep")
	setEnv(t, env)
	stdout, stderr, status := runIn(t, dir, "-json", "-upgrade", "example.com/dep@v1.1.0", ".")
	var r upgradeReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || status != 0 {
		t.Fatalf("status %d, want 0: %v\n%s%s", status, err, stdout, stderr)
	}
	if r.From != "example.com/dep@v1.0.0 => ./dep" || r.To != "example.com/dep@v1.1.0 => ./dep" || len(r.Modules) != 0 {
		t.Errorf("from %q, to %q, %d modules changed; want the replacement named on both sides and nothing changed", r.From, r.To, len(r.Modules))
	}
}
