package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

// timings measures make run-all against its floor, side by side: the floor
// is what the examples cost at least, one go build for the three modes and
// one for the stdlib example with its flag, then running the four
// binaries. Warm runs share the build cache; cold runs each start from an
// empty one (kept under bin/, so nothing is written outside the repository)
// and, for make run-all, from an empty bin/ as in a fresh clone.
func timings(args []string) bool {
	fs := flag.NewFlagSet("timings", flag.ExitOnError)
	warmRuns := fs.Int("n", 10, "warm runs of each")
	coldRuns := fs.Int("cold", 3, "cold runs of each (about 15 s each)")
	fs.Parse(args)

	floorDir := filepath.Join("bin", "timings", "floor")
	cache := filepath.Join("bin", "timings", "gocache")
	floor := func(env []string) error {
		for _, args := range [][]string{
			{"go", "build", "-o", floorDir + "/", "./pull", "./push", "./handshake"},
			{"go", "build", "-ldflags=-checklinkname=0", "-o", floorDir + "/", "./stdlib"},
		} {
			if err := runQuiet(env, args...); err != nil {
				return err
			}
		}
		for _, e := range examples {
			if err := runQuiet(env, filepath.Join(floorDir, e.name+exeSuffix())); err != nil {
				return err
			}
		}
		return nil
	}
	runAll := func(env []string) error { return runQuiet(env, "make", "--no-print-directory", "run-all") }

	fmt.Printf("warm: %d runs of each, interleaved\n", *warmRuns)
	warm := measure(*warmRuns, nil, nil, floor, runAll)
	fmt.Printf("cold: %d runs of each, interleaved, each with an empty GOCACHE\n", *coldRuns)
	coldEnv := append(os.Environ(), "GOCACHE="+absPath(cache))
	emptyCache := func() {
		os.RemoveAll(cache)
		os.RemoveAll(floorDir)
	}
	// Deleting the runner's own binary is fine: make rebuilds it, as it
	// would in a fresh clone, and this process keeps running.
	freshClone := func() {
		emptyCache()
		for _, e := range examples {
			os.Remove(filepath.Join("bin", e.name+exeSuffix()))
		}
		os.Remove(filepath.Join("bin", "workshop"+exeSuffix()))
	}
	cold := measure(*coldRuns, emptyCache, freshClone, floor, runAll, coldEnv)
	emptyCache()
	fmt.Println()
	report("warm", warm)
	report("cold", cold)
	return warm[0] != nil && cold[0] != nil
}

// measure runs floor and subject n times each, alternating, and returns
// their durations. before* run untimed ahead of each.
func measure(n int, beforeFloor, beforeSubject func(), floor, subject func([]string) error, env ...[]string) [2][]time.Duration {
	var e []string
	if len(env) > 0 {
		e = env[0]
	}
	var d [2][]time.Duration
	for i := 0; i < n; i++ {
		for side, run := range []func([]string) error{floor, subject} {
			if before := []func(){beforeFloor, beforeSubject}[side]; before != nil {
				before()
			}
			start := time.Now()
			if err := run(e); err != nil {
				fmt.Printf("  %s failed: %v\n", []string{"floor", "make run-all"}[side], err)
				return [2][]time.Duration{}
			}
			d[side] = append(d[side], time.Since(start))
		}
	}
	return d
}

func report(name string, d [2][]time.Duration) {
	if d[0] == nil {
		fmt.Printf("%s: no measurement\n", name)
		return
	}
	f, r := stats(d[0]), stats(d[1])
	fmt.Printf("%s  floor: min %v, median %v   make run-all: min %v, median %v   ratio: min %.2f, median %.2f\n",
		name, f[0], f[1], r[0], r[1], r[0].Seconds()/f[0].Seconds(), r[1].Seconds()/f[1].Seconds())
}

// stats returns the min and median, rounded to the millisecond.
func stats(d []time.Duration) [2]time.Duration {
	s := slices.Sorted(slices.Values(d))
	return [2]time.Duration{s[0].Round(time.Millisecond), s[len(s)/2].Round(time.Millisecond)}
}

func runQuiet(env []string, args ...string) error {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %v\n%s", args, err, out)
	}
	return nil
}

func absPath(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		fatalf("%v", err)
	}
	return a
}
