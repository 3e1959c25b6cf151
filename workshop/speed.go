package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// speedImports are, besides the corpus, what the measured program
// imports: enough to pass 300 packages.
var speedImports = []string{"golang.org/x/tools/go/packages", "net/http"}

const speedToolsVersion = "golang.org/x/tools@v0.52.0"

// speedUpgrade is the Go that the measured linkcheck -upgrade compares
// the running one with.
const speedUpgrade = "go1.27.3"

// linkcheckSpeed measures whole-program linkcheck ./... on a program that
// imports the corpus, x/tools/go/packages and net/http, against go list
// -deps -json ./... on the same program, run side by side, n times each:
// warm (linkcheck's cache filled), and on a first run (an empty cache).
// It measures linkcheck -upgrade speedUpgrade ./... warm (that toolchain
// fetched, both caches filled) against the warm plain check too.
// It prints the minimum and median of the wall time and of the CPU time,
// which a busy machine disturbs less, and their ratios.
func linkcheckSpeed(args []string) bool {
	fs := flag.NewFlagSet("linkcheck-speed", flag.ExitOnError)
	n := fs.Int("n", 7, "runs of each")
	fs.Parse(args)
	linkcheck := absPath(filepath.Join("bin", "linkcheck"+exeSuffix()))
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	dir, err := writeSpeedProgram(env)
	if err != nil {
		fmt.Println(err)
		return false
	}
	deps, err := runIn(env, dir, "go", "list", "-deps", "./...")
	if err != nil {
		fmt.Println(err)
		return false
	}
	fmt.Printf("program: %s, %d packages, %s\n", dir, strings.Count(string(deps), "\n"), strings.TrimSpace(runOut(env, "go", "env", "GOVERSION")))
	cache := filepath.Join(dir, "cache")
	warmEnv := append(slices.Clone(env), "XDG_CACHE_HOME="+cache)
	timed(warmEnv, dir, linkcheck, "./...") // fills the cache
	// Fetches the other toolchain if need be, and fills its cache.
	timed(warmEnv, dir, linkcheck, "-upgrade", speedUpgrade, "./...")
	var list, warm, first, upgrade []sample
	for range *n {
		list = append(list, timed(env, dir, "go", "list", "-deps", "-json", "./..."))
		warm = append(warm, timed(warmEnv, dir, linkcheck, "./..."))
		upgrade = append(upgrade, timed(warmEnv, dir, linkcheck, "-upgrade", speedUpgrade, "./..."))
		os.RemoveAll(cache + "-first")
		first = append(first, timed(append(slices.Clone(env), "XDG_CACHE_HOME="+cache+"-first"), dir, linkcheck, "./..."))
	}
	fmt.Printf("\n%-34s %21s %21s\n", "", "wall min / median", "CPU min / median")
	for _, row := range []struct {
		name    string
		samples []sample
	}{{"go list -deps -json ./...", list}, {"linkcheck ./... (warm)", warm}, {"linkcheck ./... (first run)", first},
		{"linkcheck -upgrade " + speedUpgrade + " (warm)", upgrade}} {
		w, c := speedStats(row.samples)
		fmt.Printf("%-34s %9s / %9s %9s / %9s\n", row.name, w[0], w[1], c[0], c[1])
	}
	lw, lc := speedStats(list)
	ww, wc := speedStats(warm)
	fmt.Printf("\nwarm linkcheck / go list: wall %.1fx (min) %.1fx (median), CPU %.1fx (min) %.1fx (median); goal: at most 3x\n",
		ratio(ww[0], lw[0]), ratio(ww[1], lw[1]), ratio(wc[0], lc[0]), ratio(wc[1], lc[1]))
	uw, uc := speedStats(upgrade)
	fmt.Printf("warm -upgrade / warm linkcheck: wall %.1fx (min) %.1fx (median), CPU %.1fx (min) %.1fx (median); goal: at most 2x\n",
		ratio(uw[0], ww[0]), ratio(uw[1], ww[1]), ratio(uc[0], wc[0]), ratio(uc[1], wc[1]))
	fw, _ := speedStats(first)
	fmt.Printf("first run: %s (min), %s (median) wall; goal: under 3s\n", fw[0], fw[1])
	return true
}

// A sample is one run's wall and CPU (user and system) time.
type sample struct{ wall, cpu time.Duration }

func timed(env []string, dir, name string, args ...string) sample {
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Dir = env, dir
	start := time.Now()
	cmd.Run() // linkcheck exits 1 on the corpus: an unsafe signature
	wall := time.Since(start)
	return sample{wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
}

// speedStats returns the minimum and median of the wall and of the CPU times.
func speedStats(samples []sample) (wall, cpu [2]time.Duration) {
	var ws, cs []time.Duration
	for _, s := range samples {
		ws, cs = append(ws, s.wall), append(cs, s.cpu)
	}
	slices.Sort(ws)
	slices.Sort(cs)
	round := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	return [2]time.Duration{round(ws[0]), round(ws[len(ws)/2])}, [2]time.Duration{round(cs[0]), round(cs[len(cs)/2])}
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func runOut(env []string, name string, args ...string) string {
	out, _ := runIn(env, "", name, args...)
	return string(out)
}

// writeSpeedProgram writes, in bin/speed, a program that imports the
// packages of the corpus programs (of the first version of each module
// the corpus lists) and speedImports.
func writeSpeedProgram(env []string) (string, error) {
	dir := absPath(filepath.Join("bin", "speed"))
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	gomod := "module linkcheck.test/speed\n\ngo 1.23\n\nrequire (\n"
	imports := slices.Clone(speedImports)
	listed := map[string]bool{}
	for _, m := range realCorpus {
		// One program holds one version of a module: the first listed.
		if listed[m.path] {
			continue
		}
		listed[m.path] = true
		program, err := writeRealProgram(env, m)
		if err != nil {
			return "", err
		}
		data, err := os.ReadFile(filepath.Join(program, "go.mod"))
		if err != nil {
			return "", err
		}
		_, reqs, _ := strings.Cut(string(data), "require (\n")
		reqs, _, _ = strings.Cut(reqs, ")")
		gomod += reqs
		out, err := runIn(env, program, "go", "list", "-f", `{{join .Imports "\n"}}`, ".")
		if err != nil {
			return "", err
		}
		imports = append(imports, strings.Fields(string(out))...)
	}
	path, version, _ := strings.Cut(speedToolsVersion, "@")
	gomod += "\t" + path + " " + version + "\n)\n"
	slices.Sort(imports)
	var src strings.Builder
	src.WriteString("// Command speed imports the corpus and more, for make linkcheck-speed.\npackage main\n\nimport (\n")
	for _, imp := range slices.Compact(imports) {
		fmt.Fprintf(&src, "\t_ %q\n", imp)
	}
	src.WriteString(")\n\nfunc main() {}\n")
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.go"), []byte(src.String()), 0o666)
}
