package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// speedImports are, besides the corpus, what the measured program
// imports: enough to pass 300 packages.
var speedImports = []string{"golang.org/x/tools/go/packages", "net/http"}

const speedToolsVersion = "golang.org/x/tools@v0.52.0"

// speedUpgrade is the Go that the measured linkcheck -upgrade compares
// the running one with.
const speedUpgrade = "go1.27.3"

// BenchmarkWholeProgram times linkcheck ./... on a program that imports
// the corpus, x/tools/go/packages and net/http, against go list -deps
// -json ./... on the same program, run side by side once per iteration:
// warm (linkcheck's cache filled), on a first run (an empty cache), and
// linkcheck -upgrade speedUpgrade ./... warm. It reports the ratios of
// the minimum and of the median wall and CPU times (CPU: user and
// system, which a busy machine disturbs less), and the first run's
// wall time. make linkcheck-speed.
func BenchmarkWholeProgram(b *testing.B) {
	needRealProof(b, "linkcheck-speed")
	dir := writeSpeedProgram(b)
	linkcheck := filepath.Join(b.TempDir(), "linkcheck")
	if out, err := exec.Command("go", "build", "-o", linkcheck, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build linkcheck: %v\n%s", err, out)
	}
	cache := filepath.Join(b.TempDir(), "cache")
	env := corpusEnv()
	warmEnv := append(slices.Clone(env), "LINKCHECK_CACHE="+cache)
	deps := timed(b, env, dir, "go", "list", "-deps", "./...")
	goVersion := timed(b, env, dir, "go", "env", "GOVERSION")
	b.Logf("program: %d packages, %s", strings.Count(deps.out, "\n"), strings.TrimSpace(goVersion.out))
	timed(b, warmEnv, dir, linkcheck, "./...") // fills the cache
	// Fetches the other toolchain if need be, and fills its cache.
	timed(b, warmEnv, dir, linkcheck, "-upgrade", speedUpgrade, "./...")
	var list, warm, first, upgrade []sample
	b.ResetTimer()
	for range b.N {
		list = append(list, timed(b, env, dir, "go", "list", "-deps", "-json", "./..."))
		warm = append(warm, timed(b, warmEnv, dir, linkcheck, "./..."))
		upgrade = append(upgrade, timed(b, warmEnv, dir, linkcheck, "-upgrade", speedUpgrade, "./..."))
		firstCache := filepath.Join(b.TempDir(), "first")
		first = append(first, timed(b, append(slices.Clone(env), "LINKCHECK_CACHE="+firstCache), dir, linkcheck, "./..."))
	}
	b.StopTimer()
	report := func(name string, of, to []sample) {
		ofWall, ofCPU := minMedian(of)
		toWall, toCPU := minMedian(to)
		b.ReportMetric(ratio(ofWall[0], toWall[0]), name+"-wall-min-x")
		b.ReportMetric(ratio(ofWall[1], toWall[1]), name+"-wall-median-x")
		b.ReportMetric(ratio(ofCPU[0], toCPU[0]), name+"-cpu-min-x")
		b.ReportMetric(ratio(ofCPU[1], toCPU[1]), name+"-cpu-median-x")
	}
	report("warm/list", warm, list)       // goal: at most 2x
	report("upgrade/warm", upgrade, warm) // goal: at most 2x
	firstWall, _ := minMedian(first)      // goal: under 3 s
	b.ReportMetric(firstWall[0].Seconds(), "first-run-min-s")
	b.ReportMetric(firstWall[1].Seconds(), "first-run-median-s")
}

// A sample is one run's wall and CPU (user and system) time, and what
// it printed.
type sample struct {
	wall, cpu time.Duration
	out       string
}

// timed runs name in dir with env; linkcheck's exit status 1 is an
// answer (the corpus holds an unsafe signature), anything else stops.
func timed(b *testing.B, env []string, dir, name string, args ...string) sample {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Dir = env, dir
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil && cmd.ProcessState.ExitCode() != 1 {
		b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return sample{wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), string(out)}
}

// minMedian returns the minimum and median of the wall and of the CPU
// times.
func minMedian(samples []sample) (wall, cpu [2]time.Duration) {
	var ws, cs []time.Duration
	for _, s := range samples {
		ws, cs = append(ws, s.wall), append(cs, s.cpu)
	}
	slices.Sort(ws)
	slices.Sort(cs)
	return [2]time.Duration{ws[0], ws[len(ws)/2]}, [2]time.Duration{cs[0], cs[len(cs)/2]}
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// writeSpeedProgram writes a program that imports the packages of the
// corpus programs (of the first version of each module the corpus
// lists) and speedImports, and returns its folder.
func writeSpeedProgram(b *testing.B) string {
	b.Helper()
	root := b.TempDir()
	dir := filepath.Join(root, "speed")
	gomod := "module linkcheck.test/speed\n\ngo 1.23\n\nrequire (\n"
	imports := slices.Clone(speedImports)
	listed := map[string]bool{}
	for _, m := range corpus {
		// One program holds one version of a module: the first listed.
		if listed[m.path] {
			continue
		}
		listed[m.path] = true
		program := filepath.Join(root, strings.ReplaceAll(m.String(), "/", "_"))
		writeCorpusProgram(b, program, m)
		data, err := os.ReadFile(filepath.Join(program, "go.mod"))
		if err != nil {
			b.Fatal(err)
		}
		_, reqs, _ := strings.Cut(string(data), "require (\n")
		reqs, _, _ = strings.Cut(reqs, ")")
		gomod += reqs
		out := timed(b, corpusEnv(), program, "go", "list", "-f", `{{join .Imports "\n"}}`, ".")
		imports = append(imports, strings.Fields(out.out)...)
	}
	path, version, _ := strings.Cut(speedToolsVersion, "@")
	gomod += "\t" + path + " " + version + "\n)\n"
	slices.Sort(imports)
	src := "// Command speed imports the corpus and more, for BenchmarkWholeProgram.\npackage main\n\nimport (\n"
	for _, imp := range slices.Compact(imports) {
		src += "\t_ \"" + imp + "\"\n"
	}
	src += ")\n\nfunc main() {}\n"
	if err := os.MkdirAll(dir, 0o777); err != nil {
		b.Fatal(err)
	}
	for name, content := range map[string]string{"go.mod": gomod, "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o666); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}
