package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeClock moves on by the step's cost each time it is read after a step
// has run, so that the durations printed are known.
type fakeClock struct {
	t time.Time
}

func (c *fakeClock) now() time.Time { return c.t }

// The warm-up says what each step does before it starts and how long it
// took, then that the room may go offline; a failing step stops it, with
// the step's own words, and the room is told it is not ready.
func TestWarmUp(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	var ran []string
	step := func(name string, cost time.Duration, err error) warmStep {
		return warmStep{name: name, run: quiet(func() error {
			ran = append(ran, name)
			clock.t = clock.t.Add(cost)
			return err
		})}
	}
	var out strings.Builder
	ok := warmUp(&out, clock.now, []warmStep{
		{name: "bin/workshop", before: 48 * time.Second},
		step("the examples", 3200*time.Millisecond, nil),
		{name: "the exercises", run: func() (string, error) { return "skipped 1 exercise already started in scratch/: method-symbol", nil }},
		step("the lab", 17*time.Second, nil),
	}, []string{"go1.27.3 is not fetched"})
	want := "warm-up 1/4: bin/workshop\n  done in 48s, before the warm-up began\n" +
		"warm-up 2/4: the examples\n  done in 3.2s\n" +
		"warm-up 3/4: the exercises\n  done in 0s; skipped 1 exercise already started in scratch/: method-symbol\n" +
		"warm-up 4/4: the lab\n  done in 17s\n" +
		"note: go1.27.3 is not fetched\n" +
		"warm-up: everything the session builds is built, in 1m8.2s. The room may go offline now.\n"
	if !ok || out.String() != want {
		t.Errorf("warmUp: %v\n%s\nwant:\n%s", ok, out.String(), want)
	}

	out.Reset()
	ran = nil
	ok = warmUp(&out, clock.now, []warmStep{
		step("the examples", time.Second, nil),
		step("bin/linkcheck", 2*time.Second, errors.New("go build -o bin/ ./linkcheck: exit status 1\nlinkcheck/main.go:1:1: expected 'package'")),
		step("the lab", time.Second, nil),
	}, []string{"a note for a room that is ready"})
	got := out.String()
	if ok || len(ran) != 2 {
		t.Errorf("a failing step: ok=%v, ran %v; want it to stop after bin/linkcheck", ok, ran)
	}
	for _, s := range []string{"warm-up 2/3: bin/linkcheck\n  FAILED after 2s:\n    go build -o bin/ ./linkcheck: exit status 1\n    linkcheck/main.go:1:1: expected 'package'\n", "NOT ready to go offline", "make warm-up again"} {
		if !strings.Contains(got, s) {
			t.Errorf("after a failing step the warm-up says\n%s\nwant it to say %q", got, s)
		}
	}
	if strings.Contains(got, "may go offline now") || strings.Contains(got, "note:") {
		t.Errorf("after a failing step the warm-up says the room is ready:\n%s", got)
	}
}

// The steps cover everything the session builds; another Go on record is
// fetched only when asked, built under when it is here, and named in a
// note when it is neither.
func TestWarmUpSteps(t *testing.T) {
	local, err := localTools("", "bin", nil).goVersion()
	if err != nil {
		t.Fatal(err)
	}
	var other string
	for _, v := range recordedGo {
		if v != local {
			other = v
		}
	}
	if other == "" {
		t.Skipf("%s is the only Go on record", local)
	}
	names := func(steps []warmStep) string {
		var n []string
		for _, s := range steps {
			n = append(n, s.name)
		}
		return strings.Join(n, "\n")
	}
	for _, c := range []struct {
		fetch, installed bool
		want, absent     []string
		note             bool
	}{
		{false, false, nil, []string{"fetch " + other, "under " + other, "bin/slides"}, true},
		{true, false, []string{"bin/slides", "fetch " + other + ": GOTOOLCHAIN=" + other + " go version", "the examples and the lab under " + other}, nil, false},
		{false, true, []string{"the examples and the lab under " + other}, []string{"fetch ", "bin/slides"}, false},
		{true, true, []string{"bin/slides", "the examples and the lab under " + other}, []string{"fetch "}, true},
	} {
		steps, notes := warmUpSteps(".", c.fetch, func(v string) bool { return v == local || c.installed })
		got := names(steps)
		for _, s := range append([]string{"bin/run-all, which make run-all", "the examples, as make run-all", "bin/linkcheck: go build -o bin/ ./linkcheck, as make test and make check build it", "the lab:", "the exercises:", "make copy-out:"}, c.want...) {
			if !strings.Contains(got, s) {
				t.Errorf("fetch=%v installed=%v: no step %q in\n%s", c.fetch, c.installed, s, got)
			}
		}
		for _, s := range c.absent {
			if strings.Contains(got, s) {
				t.Errorf("fetch=%v installed=%v: a step %q in\n%s", c.fetch, c.installed, s, got)
			}
		}
		wantNote := other + " is not fetched"
		if c.fetch {
			wantNote = other + " was fetched already"
		}
		if hasNote := len(notes) == 1 && strings.Contains(notes[0], wantNote) && (c.fetch || strings.Contains(notes[0], "GO=all")); hasNote != c.note {
			t.Errorf("fetch=%v installed=%v: notes %q", c.fetch, c.installed, notes)
		}
	}
}

// make warm-up's clock starts before make builds bin/workshop: the
// build is the warm-up's first step, timed from WARM_UP_STARTED; run
// without it, there is no such step.
func TestWorkshopBuild(t *testing.T) {
	now := time.Unix(1_800_000_048, 0)
	// GNU date's nanoseconds, and a date that prints %N as N.
	for _, started := range []string{"1800000000000000000", "1800000000N"} {
		steps := workshopBuild(started, now)
		if len(steps) != 1 || steps[0].before != 48*time.Second || steps[0].run != nil || !strings.HasPrefix(steps[0].name, "bin/workshop: ") {
			t.Errorf("workshopBuild(%q) 48 s before: %+v", started, steps)
		}
	}
	if steps := workshopBuild("", now); steps != nil {
		t.Errorf("workshopBuild without a start: %+v", steps)
	}
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(makefile), "@started=$$(date +%s%N); $(MAKE) --no-print-directory workshop && WARM_UP_STARTED=$$started $(WORKSHOP) warm-up") {
		t.Error("the Makefile's warm-up recipe does not start the clock before building bin/workshop and pass it as WARM_UP_STARTED")
	}
}

// The warm-up builds bin/run-all exactly as the Makefile's run-all-runner
// does, so that make pull finds it up to date afterwards.
func TestWarmUpBuildsAsMakeDoes(t *testing.T) {
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	want := "\t@go build " + makefileWords(runAllBuild)
	var recipe []string
	for _, line := range strings.Split(string(makefile), "\n") {
		if strings.HasPrefix(line, "\t@go build") && strings.Contains(line, "./workshop/run-all") {
			recipe = append(recipe, line)
		}
	}
	if !slices.Equal(recipe, []string{want}) {
		t.Errorf("the Makefile builds bin/run-all with %q; the warm-up with %q", recipe, want)
	}
}

// Exercises already started in scratch/ are left alone, and the warm-up
// names them.
func TestWarmExercisesSkipsStarted(t *testing.T) {
	root := t.TempDir()
	var names []string
	for _, ex := range exerciseList {
		if err := os.MkdirAll(filepath.Join(root, scratchDir, ex.name), 0o777); err != nil {
			t.Fatal(err)
		}
		names = append(names, ex.name)
	}
	skipped, err := warmExercises(root)
	if err != nil || !slices.Equal(skipped, names) {
		t.Errorf("warmExercises with every exercise started: %q, %v; want %q", skipped, err, names)
	}
	if got, want := skippedRemark(names[:2]), "skipped 2 exercises already started in scratch/: "+names[0]+", "+names[1]; got != want {
		t.Errorf("skippedRemark: %q, want %q", got, want)
	}
	if got, want := skippedRemark(names[:1]), "skipped 1 exercise already started in scratch/: "+names[0]; got != want {
		t.Errorf("skippedRemark: %q, want %q", got, want)
	}
}
