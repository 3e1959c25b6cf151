package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"example.com/linkname/workshop/runner"
)

// timings measures make run-all against its floor, side by side: the floor
// is what the examples cost at least, one go build for the examples that
// need no flag and one for each example with its flags, then running the
// binaries. Warm runs share the build cache; cold runs each start from an
// empty one (a private GOCACHE kept under bin/, so the user's cache is
// untouched and nothing is written outside the repository) and, for make
// run-all, from a bin/ without the runner or the examples, as in a fresh
// clone. Each side is timed on the wall clock and in CPU (user and system
// time of the commands and everything they wait for).
func timings(args []string) error {
	return timingsIn(os.Stdout, "bin", args, runQuiet)
}

// timingsIn is timings with its builds in bin, each command run by run
// (runQuiet, but for tests).
func timingsIn(out io.Writer, bin string, args []string, run func(env []string, args ...string) (time.Duration, error)) error {
	fs := flag.NewFlagSet("timings", flag.ContinueOnError)
	warmRuns := fs.Int("n", 10, "warm runs of each")
	coldRuns := fs.Int("cold", 3, "cold runs of each (about 15 s each)")
	fs.SetOutput(out)
	if err := fs.Parse(args); err != nil {
		return parseError(err)
	}
	floorDir := filepath.Join(bin, "timings", "floor")
	cache := filepath.Join(bin, "timings", "gocache")
	cacheDir, err := filepath.Abs(cache)
	if err != nil {
		return err
	}
	floor := func(env []string) (time.Duration, error) {
		var cpu time.Duration
		for _, args := range floorCommands(floorDir) {
			d, err := run(env, args...)
			if err != nil {
				return 0, err
			}
			cpu += d
		}
		return cpu, nil
	}
	runAll := func(env []string) (time.Duration, error) {
		return run(env, "make", "--no-print-directory", "run-all")
	}
	fmt.Fprintf(out, "warm: %d runs of each, interleaved\n", *warmRuns)
	warm := measure(out, *warmRuns, nil, nil, floor, runAll, nil)
	fmt.Fprintf(out, "cold: %d runs of each, interleaved, each with an empty GOCACHE\n", *coldRuns)
	coldEnv := append(os.Environ(), "GOCACHE="+cacheDir)
	emptyCache := func() {
		os.RemoveAll(cache)
		os.RemoveAll(floorDir)
	}
	freshClone := func() {
		emptyCache()
		for _, e := range examples {
			os.Remove(filepath.Join(bin, e.name+exeSuffix()))
		}
		os.Remove(filepath.Join(bin, "run-all"+exeSuffix()))
	}
	cold := measure(out, *coldRuns, emptyCache, freshClone, floor, runAll, coldEnv)
	emptyCache()
	fmt.Fprintln(out)
	report(out, "warm", warm)
	report(out, "cold", cold)
	return passed(warm.wall[0] != nil && cold.wall[0] != nil)
}

// floorCommands are the floor's commands, derived from the example list:
// one go build of the examples that need no flag, one of each example
// with its flags, then each binary.
func floorCommands(dir string) [][]string {
	plain := []string{"go", "build", "-o", dir + "/"}
	var builds, runs [][]string
	for _, e := range examples {
		if e.ldflags == "" {
			plain = append(plain, "./"+e.name)
		} else {
			builds = append(builds, []string{"go", "build", "-ldflags=" + e.ldflags, "-o", dir + "/", "./" + e.name})
		}
		runs = append(runs, []string{filepath.Join(dir, e.name+exeSuffix())})
	}
	if len(plain) > 4 {
		builds = append([][]string{plain}, builds...)
	}
	return append(builds, runs...)
}

// A timing is what measure saw of each side, floor and make run-all.
type timing struct {
	wall, cpu [2][]time.Duration
}

// measure runs floor and subject n times each, alternating, and returns
// their wall and CPU times. before* run untimed ahead of each.
func measure(out io.Writer, n int, beforeFloor, beforeSubject func(), floor, subject func([]string) (time.Duration, error), env []string) timing {
	var t timing
	for i := 0; i < n; i++ {
		for side, run := range []func([]string) (time.Duration, error){floor, subject} {
			if before := []func(){beforeFloor, beforeSubject}[side]; before != nil {
				before()
			}
			start := time.Now()
			cpu, err := run(env)
			if err != nil {
				fmt.Fprintf(out, "  %s failed: %v\n", []string{"floor", "make run-all"}[side], err)
				return timing{}
			}
			t.wall[side] = append(t.wall[side], time.Since(start))
			t.cpu[side] = append(t.cpu[side], cpu)
		}
	}
	return t
}

func report(out io.Writer, name string, t timing) {
	if t.wall[0] == nil {
		fmt.Fprintf(out, "%s: no measurement\n", name)
		return
	}
	for i, d := range [][2][]time.Duration{t.wall, t.cpu} {
		f, r := statsOf(d[0]), statsOf(d[1])
		fmt.Fprintf(out, "%s %-4s  floor: min %v, median %v   make run-all: min %v, median %v   ratio: min %.2f, median %.2f\n",
			name, []string{"wall", "CPU"}[i], ms(f.min), ms(f.median), ms(r.min), ms(r.median), r.min.Seconds()/f.min.Seconds(), r.median.Seconds()/f.median.Seconds())
	}
}

func ms(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

// runQuiet runs a command with env (nil: this process's) and returns the
// CPU time it and the processes it waited for spent.
func runQuiet(env []string, args ...string) (time.Duration, error) {
	var out strings.Builder
	state, err := runner.Proc{Env: env, Stdout: &out, Stderr: &out}.Run(args[0], args[1:]...)
	if err != nil {
		return 0, fmt.Errorf("%v\n%s", err, out.String())
	}
	return state.UserTime() + state.SystemTime(), nil
}
