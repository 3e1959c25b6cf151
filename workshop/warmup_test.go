package main

import (
	"errors"
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
		return warmStep{name, func() error {
			ran = append(ran, name)
			clock.t = clock.t.Add(cost)
			return err
		}}
	}
	var out strings.Builder
	ok := warmUp(&out, clock.now, []warmStep{
		step("the examples", 3200*time.Millisecond, nil),
		step("the lab", 17*time.Second, nil),
	}, []string{"go1.27.3 is not fetched"})
	want := "warm-up 1/2: the examples\n  done in 3.2s\n" +
		"warm-up 2/2: the lab\n  done in 17s\n" +
		"note: go1.27.3 is not fetched\n" +
		"warm-up: everything the session builds is built, in 20.2s. The room may go offline now.\n"
	if !ok || out.String() != want {
		t.Errorf("warmUp: %v\n%s\nwant:\n%s", ok, out.String(), want)
	}

	out.Reset()
	ran = nil
	ok = warmUp(&out, clock.now, []warmStep{
		step("the examples", time.Second, nil),
		step("bin/linkcheck", 2*time.Second, errors.New("go install ./linkcheck: exit status 1\nlinkcheck/main.go:1:1: expected 'package'")),
		step("the lab", time.Second, nil),
	}, []string{"a note for a room that is ready"})
	got := out.String()
	if ok || len(ran) != 2 {
		t.Errorf("a failing step: ok=%v, ran %v; want it to stop after bin/linkcheck", ok, ran)
	}
	for _, s := range []string{"warm-up 2/3: bin/linkcheck\n  FAILED after 2s:\n    go install ./linkcheck: exit status 1\n    linkcheck/main.go:1:1: expected 'package'\n", "NOT ready to go offline", "make warm-up again"} {
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
	local, err := localToolchain("", "bin", nil).goVersion()
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
		{true, true, []string{"bin/slides", "the examples and the lab under " + other}, []string{"fetch "}, false},
	} {
		steps, notes := warmUpSteps(".", c.fetch, func(v string) bool { return v == local || c.installed })
		got := names(steps)
		for _, s := range append([]string{"bin/workshop", "the examples, as make run-all", "bin/linkcheck: go install ./linkcheck", "the lab:", "the exercises:", "make copy-out:"}, c.want...) {
			if !strings.Contains(got, s) {
				t.Errorf("fetch=%v installed=%v: no step %q in\n%s", c.fetch, c.installed, s, got)
			}
		}
		for _, s := range c.absent {
			if strings.Contains(got, s) {
				t.Errorf("fetch=%v installed=%v: a step %q in\n%s", c.fetch, c.installed, s, got)
			}
		}
		if hasNote := len(notes) == 1 && strings.Contains(notes[0], other+" is not fetched") && strings.Contains(notes[0], "GO=all"); hasNote != c.note {
			t.Errorf("fetch=%v installed=%v: notes %q", c.fetch, c.installed, notes)
		}
	}
}
