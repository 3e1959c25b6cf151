package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"example.com/linkname/workshop/runner"
)

// make warm-up: what a participant runs before the session, on any
// network. It builds everything the session will build, through the same
// code paths (the runner, the lab, the exercises' check, copy-out), so
// that the build cache holds it all and no command in the room compiles
// the standard library. Each step says what it does before it starts and
// how long it took; the last line says whether the room may go offline.

// A warmStep is one thing the warm-up builds. run returns a remark for
// its "done" line (what it left alone), or an error. A step with before
// set was done before the warm-up began (make's build of bin/workshop,
// which runs the warm-up) and took that long; it has no run.
type warmStep struct {
	name   string // what it does, as printed
	run    func() (string, error)
	before time.Duration
}

// quiet is a step's run that has nothing to remark.
func quiet(run func() error) func() (string, error) {
	return func() (string, error) { return "", run() }
}

// warmUp runs the steps in order, timing each with now, and stops at the
// first that fails: after a failure the room is not ready. notes are
// printed at the end, when all went well.
func warmUp(out io.Writer, now func() time.Time, steps []warmStep, notes []string) bool {
	start := now()
	for i, s := range steps {
		fmt.Fprintf(out, "warm-up %d/%d: %s\n", i+1, len(steps), s.name)
		if s.run == nil {
			start = start.Add(-s.before)
			fmt.Fprintf(out, "  done in %s, before the warm-up began\n", s.before.Round(100*time.Millisecond))
			continue
		}
		began := now()
		remark, err := s.run()
		took := now().Sub(began).Round(100 * time.Millisecond)
		if err != nil {
			fmt.Fprintf(out, "  FAILED after %s:\n%s", took, indent(strings.TrimSpace(err.Error())))
			fmt.Fprintln(out, "warm-up: stopped. The room is NOT ready to go offline: mend what the step above says, then run make warm-up again.")
			return false
		}
		if remark != "" {
			remark = "; " + remark
		}
		fmt.Fprintf(out, "  done in %s%s\n", took, remark)
	}
	for _, n := range notes {
		fmt.Fprintln(out, "note: "+n)
	}
	fmt.Fprintf(out, "warm-up: everything the session builds is built, in %s. The room may go offline now.\n", now().Sub(start).Round(100*time.Millisecond))
	return true
}

// warmUpCommand is `workshop warm-up [-go all]`.
func warmUpCommand(args []string) bool {
	flags := flag.NewFlagSet("warm-up", flag.ContinueOnError)
	goFlag := flags.String("go", "", "all: also fetch every other Go on record (through the module proxy) and build the session under it")
	if err := flags.Parse(args); err != nil {
		return false
	}
	if *goFlag != "" && *goFlag != "all" {
		fmt.Fprintf(os.Stderr, "warm-up: -go takes only \"all\" (every Go on record: %s), not %q\n", strings.Join(recordedGo, ", "), *goFlag)
		return false
	}
	root, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return false
	}
	steps, notes := warmUpSteps(root, *goFlag == "all", goInstalled)
	steps = append(workshopBuild(os.Getenv("WARM_UP_STARTED"), time.Now()), steps...)
	return warmUp(os.Stdout, time.Now, steps, notes)
}

// workshopBuild is the step make did before the warm-up began: building
// bin/workshop, timed from started, when make's warm-up recipe began
// (WARM_UP_STARTED, date +%s%N: Unix nanoseconds from GNU date; from a
// date that knows no %N, Unix seconds and a literal N), to now. Run by
// hand, without it, bin/workshop's build is not counted and there is no
// such step.
func workshopBuild(started string, now time.Time) []warmStep {
	var begin time.Time
	if sec, ok := strings.CutSuffix(started, "N"); ok {
		n, err := strconv.ParseInt(sec, 10, 64)
		if err != nil {
			return nil
		}
		begin = time.Unix(n, 0)
	} else {
		n, err := strconv.ParseInt(started, 10, 64)
		if err != nil {
			return nil
		}
		begin = time.Unix(0, n)
	}
	took := max(now.Sub(begin), 0)
	return []warmStep{{name: "bin/workshop: make's go build -o bin/ ./workshop, which runs the warm-up (make runs it before every target)", before: took}}
}

// warmUpSteps are the warm-up's steps for the workspace at root; with
// fetch (the teacher's warm-up), bin/slides is built and the other Go on
// record are fetched and built under too.
// installed says which Go are here already. The notes say what stays
// cold.
func warmUpSteps(root string, fetch bool, installed goInstaller) ([]warmStep, []string) {
	tc := localTools("", "bin", io.Discard)
	steps := []warmStep{
		{name: "bin/run-all, which make run-all and make pull... run: go build " + makefileWords(runAllBuild), run: quiet(func() error {
			return goErr(tc.goCmd(append([]string{"build"}, runAllBuild...)...))
		})},
		{name: "the examples, as make run-all builds and runs them: " + strings.TrimSpace(strings.TrimPrefix(shellLine("go", buildArgs(examples, "bin")...), "$ ")), run: quiet(func() error {
			return reported(func(tc tools) bool { return runExamples(tc, nil) }, tc)
		})},
		{name: "bin/linkcheck: " + strings.TrimSpace(strings.TrimPrefix(shellLine("go", linkcheckBuild...), "$ ")) + ", as make test and make check build it", run: quiet(func() error {
			_, err := installLinkcheck(root)
			return err
		})},
		{name: "the lab: every case built (and run) as make lab builds it", run: quiet(func() error {
			return reported(func(tc tools) bool { return runLab(tc, nil) }, tc)
		})},
		{name: "the exercises: each started in scratch/, solved, and checked as make check does (build, linkcheck, run), then removed", run: func() (string, error) {
			skipped, err := warmExercises(root)
			return skippedRemark(skipped), err
		}},
		{name: "make copy-out: a copy of the push example written to a temporary folder, then go build and go vet there", run: quiet(func() error {
			return warmCopyOut(root)
		})},
	}
	if fetch {
		// The teacher's warm-up: the slides' server too.
		steps = append(steps, warmStep{name: "bin/slides, the server of make slides: go build -o bin/ ./workshop/slides", run: quiet(func() error {
			return goErr(tc.goCmd("build", "-o", "bin/", "./workshop/slides"))
		})})
	}
	var notes []string
	local, err := tc.goVersion()
	if err != nil {
		local = ""
	}
	for _, v := range recordedGo {
		if v == local {
			continue
		}
		if !fetch && !installed(v) {
			notes = append(notes, v+" is not fetched: the slides and make lab-compare will show "+local+"'s answers alone. make warm-up GO=all fetches it (about 76 MB through the module proxy).")
			continue
		}
		if !installed(v) {
			steps = append(steps, warmStep{name: "fetch " + v + ": GOTOOLCHAIN=" + v + " go version (about 76 MB through the module proxy)", run: quiet(func() error {
				return goErr(runner.Proc{Env: append(os.Environ(), "GOTOOLCHAIN="+v)}.Combined("go", "version"))
			})})
		} else if fetch {
			notes = append(notes, v+" was fetched already (it is in the module cache): nothing to fetch.")
		}
		other := compareTools(v)
		steps = append(steps, warmStep{name: "the examples and the lab under " + v + ", as make slides and make lab-compare build them", run: quiet(func() error {
			if err := reported(func(tc tools) bool { return runExamples(tc, nil) }, other); err != nil {
				return err
			}
			return reported(func(tc tools) bool { return runLab(tc, nil) }, other)
		})})
	}
	return steps, notes
}

// goErr turns a go command's failure into an error carrying what it printed.
func goErr(out []byte, err error) error {
	if err != nil {
		return fmt.Errorf("%v\n%s", err, out)
	}
	return nil
}

// reported runs a check with tc and returns, when it fails, what it
// printed as the error.
func reported(check func(tools) bool, tc tools) error {
	var out bytes.Buffer
	tc.out = &out
	if !check(tc) {
		return errors.New(out.String())
	}
	return nil
}

// runAllBuild is the Makefile's build of bin/run-all (run-all-runner),
// word for word, so that the warm-up's build is the one make finds up to
// date (TestWarmUpBuildsAsMakeDoes holds them together).
var runAllBuild = []string{"-ldflags=-s -w", "-o", "bin/", "./workshop/run-all"}

// makefileWords writes args as the Makefile does: a flag's value with a
// space in double quotes.
func makefileWords(args []string) string {
	words := slices.Clone(args)
	for i, w := range words {
		if flag, value, ok := strings.Cut(w, "="); ok && strings.Contains(value, " ") {
			words[i] = flag + `="` + value + `"`
		}
	}
	return strings.Join(words, " ")
}

// skippedRemark is the exercises step's remark on the exercises it left
// alone.
func skippedRemark(skipped []string) string {
	if len(skipped) == 0 {
		return ""
	}
	exercises := "exercises"
	if len(skipped) == 1 {
		exercises = "exercise"
	}
	return fmt.Sprintf("skipped %d %s already started in %s/: %s", len(skipped), exercises, scratchDir, strings.Join(skipped, ", "))
}

// warmExercises builds each exercise where make check will build it:
// scratch/NAME, since the build cache keys packages by their folder. A
// copy a participant has started already is left alone; it returns the
// names of those it left.
func warmExercises(root string) (skipped []string, err error) {
	for _, ex := range exerciseList {
		dir := filepath.Join(root, scratchDir, ex.name)
		if _, err := os.Stat(dir); err == nil {
			skipped = append(skipped, ex.name) // someone's work: make check builds it as it is
			continue
		}
		err := func() error {
			defer os.RemoveAll(dir)
			if err := startExercise(root, ex, dir); err != nil {
				return err
			}
			if problem, err := checkExercise(root, ex, dir); err != nil || problem == "" {
				return fmt.Errorf("%s: the broken copy passes make check (%v)", ex.name, err)
			}
			if err := solveExercise(root, ex, dir); err != nil {
				return err
			}
			problem, err := checkExercise(root, ex, dir)
			if err == nil && problem != "" {
				err = fmt.Errorf("%s: the reference solution does not pass make check: %s", ex.name, problem)
			}
			return err
		}()
		if err != nil {
			return skipped, err
		}
	}
	if entries, err := os.ReadDir(filepath.Join(root, scratchDir)); err == nil && len(entries) == 0 {
		os.Remove(filepath.Join(root, scratchDir))
	}
	return skipped, nil
}

// warmCopyOut builds a copied-out module as a participant would after
// make copy-out: the standard library's packages and their vet facts are
// what it shares with their own copy.
func warmCopyOut(root string) error {
	tmp, err := os.MkdirTemp("", "warm-up-copy-out")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if _, err := copyOut(root, "push", tmp, "example.com/me/demo"); err != nil {
		return err
	}
	if err := goErr(goIn(tmp, "build", "-o", os.DevNull, ".")); err != nil {
		return err
	}
	return goErr(goIn(tmp, "vet", "./..."))
}
