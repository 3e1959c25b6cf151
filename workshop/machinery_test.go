package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
)

// The one summary of measurements: an odd count's median is its middle,
// an even count's the mean of the middle two, in any order given.
func TestStatsOf(t *testing.T) {
	if s := statsOf([]float64{3, 1, 2}); s != (stats[float64]{1, 2, 3}) {
		t.Errorf("odd: %+v", s)
	}
	if s := statsOf([]float64{4, 1, 3, 2}); s != (stats[float64]{1, 2.5, 4}) {
		t.Errorf("even: %+v", s)
	}
	if s := statsOf([]time.Duration{4 * time.Second, time.Second}); s != (stats[time.Duration]{time.Second, 2500 * time.Millisecond, 4 * time.Second}) {
		t.Errorf("durations: %+v", s)
	}
	if s := statsOf([]float64{7}); s != (stats[float64]{7, 7, 7}) {
		t.Errorf("one: %+v", s)
	}
}

// keepRecord writes only in update mode and only what changed; otherwise
// a record that differs, or is missing, is stale in one message that
// names the command that rewrites it.
func TestKeepRecord(t *testing.T) {
	file := filepath.Join(t.TempDir(), "record.txt")
	if changed, err := keepRecord(file, "a\n", false, "make x"); changed || err == nil || err.Error() != file+" is stale: make x rewrites it" || fileExists(file) {
		t.Errorf("checking a missing record: %v, %v", changed, err)
	}
	if changed, err := keepRecord(file, "a\n", true, "make x"); !changed || err != nil {
		t.Errorf("writing a new record: %v, %v", changed, err)
	}
	if changed, err := keepRecord(file, "a\n", false, "make x"); changed || err != nil {
		t.Errorf("checking a record that holds: %v, %v", changed, err)
	}
	before, _ := os.Stat(file)
	if changed, err := keepRecord(file, "a\n", true, "make x"); changed || err != nil {
		t.Errorf("updating with the same text: %v, %v", changed, err)
	}
	if after, _ := os.Stat(file); !after.ModTime().Equal(before.ModTime()) {
		t.Error("the same text was written again")
	}
	if _, err := keepRecord(file, "b\n", false, "make x"); err == nil || !strings.Contains(err.Error(), "is stale") {
		t.Errorf("checking a record that says otherwise: %v", err)
	}
	if data, _ := os.ReadFile(file); string(data) != "a\n" {
		t.Errorf("a check changed the record: %q", data)
	}
	if changed, err := keepRecord(file, "b\n", true, "make x"); !changed || err != nil {
		t.Errorf("updating: %v, %v", changed, err)
	}
	if data, _ := os.ReadFile(file); string(data) != "b\n" {
		t.Errorf("the update wrote %q", data)
	}
	if _, err := keepRecord(t.TempDir(), "x", true, "make x"); err == nil {
		t.Error("a folder was taken for a record")
	}
}

// parallel does each piece of work once, as many at once as the machine
// has cores and no more.
func TestParallel(t *testing.T) {
	cores := runtime.NumCPU()
	n := 3*cores + 1
	done := make([]int32, n)
	var running, most atomic.Int32
	var full sync.WaitGroup // the first cores pieces wait until all of them run
	full.Add(cores)
	parallel(n, func(i int) {
		now := running.Add(1)
		for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
		}
		if i < cores {
			full.Done()
			waited := make(chan struct{})
			go func() { full.Wait(); close(waited) }()
			select {
			case <-waited:
			case <-time.After(10 * time.Second):
				t.Errorf("piece %d: %d cores, but fewer pieces ran at once", i, cores)
			}
		}
		atomic.AddInt32(&done[i], 1)
		running.Add(-1)
	})
	for i, d := range done {
		if d != 1 {
			t.Errorf("piece %d done %d times", i, d)
		}
	}
	if m := most.Load(); int(m) > cores {
		t.Errorf("%d pieces ran at once on %d cores", m, cores)
	}
	parallel(0, func(int) { t.Error("work with nothing to do") })
}

// main's one report: a command's error once, prefixed workshop:, exit 2;
// a failure the command reported itself, exit 1 and nothing more; usage
// and unknown commands, exit 2.
func TestWorkshopReportsErrorsOnce(t *testing.T) {
	saved := commands
	defer func() { commands = saved }()
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	var got []string
	commands = []command{
		{"ok", "", "passes", func(args []string) error { got = args; return nil }},
		{"broken", "", "cannot", func([]string) error { return fmt.Errorf("no %s here", "thing") }},
		{"failing", "", "a check fails", func([]string) error { return passed(false) }},
		{"usage", "", "asked wrongly", func([]string) error { return parseError(errors.New("bad flag")) }},
		{"help", "", "-h", func([]string) error { return parseError(flagErrHelp()) }},
		{"adapted", "", "bool", reportedBy(func(args []string) bool { return len(args) == 1 })},
	}
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"ok", "a", "b"}, 0, ""},
		{[]string{"broken"}, 2, "workshop: no thing here\n"},
		{[]string{"failing"}, 1, ""},
		{[]string{"usage"}, 2, ""},
		{[]string{"help"}, 0, ""},
		{[]string{"adapted", "x"}, 0, ""},
		{[]string{"adapted"}, 1, ""},
		{nil, 2, usage()},
		{[]string{"nope"}, 2, "workshop: no command \"nope\"\n" + usage()},
	} {
		var stderr strings.Builder
		if code := workshop(c.args, &stderr); code != c.code || stderr.String() != c.stderr {
			t.Errorf("workshop %q: exit %d, said %q; want %d, %q", c.args, code, stderr.String(), c.code, c.stderr)
		}
	}
	if strings.Join(got, " ") != "a b" {
		t.Errorf("the command was given %q", got)
	}
	if !strings.Contains(usage(), "  failing ") {
		t.Errorf("usage does not list the commands:\n%s", usage())
	}
	// Outside the workspace, nothing runs.
	os.Chdir(t.TempDir())
	got = nil
	var stderr strings.Builder
	if code := workshop([]string{"ok", "x"}, &stderr); code != 2 || got != nil || !strings.Contains(stderr.String(), "no go.work") {
		t.Errorf("outside the workspace: exit %d, %q", code, stderr.String())
	}
}

// make test runs every step even after one fails, and its last line names
// the failures or counts the passes.
func TestTestAllRunsEveryStep(t *testing.T) {
	f := &fake{goAnswers: map[string]answer{
		"work edit -json":    {out: `{"Use": [{"DiskPath": "./bar"}]}`},
		"mod edit -json":     {out: `{"Module": {"Path": "example.com/linkname/bar"}}`},
		"vet work":           {out: "vet says\n", fail: true},
		"build -o bin/ ./li": {},
	}}
	var ran []string
	fakeStep := func(name string, ok bool) step {
		return step{name, func(tc tools, modules []module) bool {
			ran = append(ran, fmt.Sprintf("%s %v", name, modules))
			return ok
		}}
	}
	steps := []step{fakeStep("one", true), fakeStep("two", false), {"go vet", func(tc tools, _ []module) bool { return goStep(tc, goVetArgs()) }}, fakeStep("four", true)}
	if testAll(f.tools(t), steps) {
		t.Error("make test passed with two failing steps")
	}
	out := f.out.String()
	for _, s := range []string{"== one\n", "== two\nFAIL: two\n", "== go vet\n$ go vet work\nvet says\nFAIL: go vet\n", "== four\n", "make test: 2 of 4 steps failed: two, go vet\n"} {
		if !strings.Contains(out, s) {
			t.Errorf("make test does not say %q:\n%s", s, out)
		}
	}
	if len(ran) != 3 || ran[0] != "one [{./bar example.com/linkname/bar []}]" {
		t.Errorf("the steps ran as %q", ran)
	}
	f.out.Reset()
	if !testAll(f.tools(t), []step{fakeStep("one", true), {"bin/linkcheck", func(tc tools, _ []module) bool { return goStep(tc, linkcheckBuild) }}}) ||
		!strings.HasSuffix(f.out.String(), "$ go build -o bin/ ./linkcheck\n"+allStepsPassed(2)+"\n") {
		t.Errorf("make test with passing steps:\n%s", f.out.String())
	}
	// Without the workspace's modules, nothing runs.
	f.goAnswers["work edit -json"] = answer{out: "go: no go.work\n", fail: true}
	f.out.Reset()
	ran = nil
	if testAll(f.tools(t), steps) || ran != nil || !strings.Contains(f.out.String(), "go work edit -json: exit status 1\ngo: no go.work\n") {
		t.Errorf("make test without go.work: %q\n%s", ran, f.out.String())
	}
	f.goAnswers["work edit -json"] = answer{out: `{"Use": [{"DiskPath": "./bar"}]}`}
	f.goAnswers["mod edit -json"] = answer{out: "not json"}
	if _, err := workspaceModules(f.tools(t)); err == nil || !strings.Contains(err.Error(), "go mod edit -json ./bar/go.mod") {
		t.Errorf("a go.mod the go command cannot read: %v", err)
	}
}

// linkcheck runs over every module, the one built with -checklinkname=0
// checked as it is built, and any error it ends with fails the step.
func TestLinkcheckWorkspace(t *testing.T) {
	var asked [][]string
	var out strings.Builder
	fail := false
	tc := tools{out: &out, linkcheck: func(args ...string) ([]byte, error) {
		asked = append(asked, args)
		if fail {
			return []byte("a finding\n"), errors.New("bin/linkcheck: exit status 1")
		}
		return []byte("clean\n"), nil
	}}
	modules := []module{{dir: "./bar"}, {dir: "./stdlib"}, {dir: "./pull"}}
	if !linkcheckWorkspace(tc, modules) {
		t.Errorf("a clean workspace failed:\n%s", out.String())
	}
	if fmt.Sprint(asked) != "[[./bar/... ./pull/...] [-checklinkname=false ./stdlib/...]]" {
		t.Errorf("linkcheck was asked %q", asked)
	}
	if want := "$ bin/linkcheck ./bar/... ./pull/...\nclean\n$ bin/linkcheck -checklinkname=false ./stdlib/...\nclean\n"; out.String() != want {
		t.Errorf("it says\n%s\nwant\n%s", out.String(), want)
	}
	fail = true
	out.Reset()
	if linkcheckWorkspace(tc, modules) || !strings.Contains(out.String(), "a finding\nbin/linkcheck: exit status 1\n") {
		t.Errorf("linkcheck failing passed:\n%s", out.String())
	}
}

// gofmt's list of files it would change fails the step.
func TestCheckGofmt(t *testing.T) {
	dir, err := filepath.Rel(mustGetwd(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n"), 0o666)
	var out strings.Builder
	tc := tools{out: &out}
	if !checkGofmt(tc, []module{{dir: dir}}) {
		t.Errorf("formatted files failed:\n%s", out.String())
	}
	os.WriteFile(filepath.Join(dir, "b.go"), []byte("package a\nvar  x = 1\n"), 0o666)
	if checkGofmt(tc, []module{{dir: dir}}) || !strings.Contains(out.String(), "gofmt -l lists files that gofmt would change:\n"+filepath.Join(dir, "b.go")+"\n") {
		t.Errorf("an unformatted file passed:\n%s", out.String())
	}
}

// The timings' sides alternate, the floor first, each with its before;
// the report is min and median of each and their ratio.
func TestMeasureAndReport(t *testing.T) {
	var order []string
	side := func(name string, cpu time.Duration, err error) func([]string) (time.Duration, error) {
		return func(env []string) (time.Duration, error) {
			order = append(order, name+strings.Join(env, ","))
			return cpu, err
		}
	}
	before := func(name string) func() { return func() { order = append(order, name) } }
	var out strings.Builder
	tm := measure(&out, 2, before("b1"), before("b2"), side("floor", time.Second, nil), side("subject", 3*time.Second, nil), []string{"E=1"})
	if got := strings.Join(order, " "); got != "b1 floorE=1 b2 subjectE=1 b1 floorE=1 b2 subjectE=1" {
		t.Errorf("the runs went %s", got)
	}
	if len(tm.wall[0]) != 2 || len(tm.cpu[1]) != 2 || tm.cpu[1][0] != 3*time.Second {
		t.Errorf("measured %+v", tm)
	}
	tm.wall = [2][]time.Duration{{time.Second, 3 * time.Second}, {2 * time.Second, 4 * time.Second}}
	report(&out, "warm", tm)
	for _, s := range []string{
		"warm wall  floor: min 1s, median 2s   make run-all: min 2s, median 3s   ratio: min 2.00, median 1.50\n",
		"warm CPU   floor: min 1s, median 1s   make run-all: min 3s, median 3s   ratio: min 3.00, median 3.00\n",
	} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("the report does not say %q:\n%s", s, out.String())
		}
	}
	out.Reset()
	failed := measure(&out, 3, nil, nil, side("floor", 0, nil), side("subject", 0, errors.New("make: no")), nil)
	report(&out, "cold", failed)
	if out.String() != "  make run-all failed: make: no\ncold: no measurement\n" {
		t.Errorf("a failing side: %q", out.String())
	}
}

// runQuiet returns the CPU time of what it ran, and an error that names
// the command and carries what it printed.
func TestRunQuiet(t *testing.T) {
	if _, err := runQuiet(nil, "sh", "-c", "i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done"); err != nil {
		t.Errorf("runQuiet: %v", err)
	}
	_, err := runQuiet(nil, "sh", "-c", "echo why; exit 3")
	if err == nil || err.Error() != "sh -c echo why; exit 3: exit status 3\nwhy\n" {
		t.Errorf("a failing command: %q", err)
	}
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

func flagErrHelp() error { return flag.ErrHelp }

// lab/order.txt's groups are its runs of names between notes and blank
// lines; a note after a name on its line is not a name.
func TestLabGroups(t *testing.T) {
	fsys := fstest.MapFS{labOrderFile: {Data: []byte("# the first part\na\nb  # a note\n\n# the second\nc\n\n\n d\n")}}
	groups, err := labGroups(fsys)
	if err != nil || fmt.Sprint(groups) != "[[a b] [c] [d]]" {
		t.Errorf("labGroups: %q, %v", groups, err)
	}
	if g, err := groupOf(fsys, "b"); err != nil || fmt.Sprint(g) != "[a b]" {
		t.Errorf("groupOf(b): %q, %v", g, err)
	}
	if _, err := groupOf(fsys, "e"); err == nil || err.Error() != labOrderFile+" lists no case e" {
		t.Errorf("groupOf(e): %v", err)
	}
	if _, err := labGroups(fstest.MapFS{}); err == nil {
		t.Error("labGroups without lab/order.txt")
	}
	if _, err := voteFor("no-such-case"); err == nil || !strings.Contains(err.Error(), "add it to votes in workshop/plan.go") {
		t.Errorf("voteFor: %v", err)
	}
}

// A group's vote table lists its cases, core first, then the extension,
// then home, each with its question; the lists of the extension and of
// home hold exactly their cases, and send to make lab-compare exactly
// those whose answers differ between the Go versions on record.
func TestVoteTablesAndLists(t *testing.T) {
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := labGroups(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	rank := map[string]int{slotCore: 0, slotExtension: 1, slotHome: 2}
	for _, g := range groups {
		table, err := votesTable(g[0])
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(strings.TrimSuffix(table, "\n"), "\n")[2:]
		if len(rows) != len(g) {
			t.Errorf("the table of %s has %d rows for %d cases", g[0], len(rows), len(g))
		}
		last := 0
		for _, row := range rows {
			name := strings.Trim(strings.Fields(row)[1], "`")
			v := votes[name]
			if !slices.Contains(g, name) || !strings.Contains(row, "| "+v.when+" | ") {
				t.Errorf("row %q: not its group's, or not its part", row)
			}
			if rank[v.when] < last {
				t.Errorf("row %q comes after a later part's", row)
			}
			last = rank[v.when]
		}
	}
	for _, when := range []string{slotExtension, slotHome} {
		list, err := voteList(when)
		if err != nil {
			t.Fatal(err)
		}
		names, _ := casesFor(when)
		for _, c := range cases {
			line := ""
			for _, l := range strings.Split(list, "\n") {
				if strings.HasPrefix(l, "- `"+c.name+"`: ") {
					line = l
				}
			}
			if (line != "") != slices.Contains(names, c.name) || (line != "") != (votes[c.name].when == when) {
				t.Errorf("the %s list and %s disagree: %q", when, c.name, line)
			}
			if line != "" && strings.Contains(line, "make lab-compare CASE="+c.name) != answersDiffer(c) {
				t.Errorf("the %s list sends %s to make lab-compare wrongly: %q", when, c.name, line)
			}
		}
	}
	differ := &labCase{checks: []labCheck{{want: map[string]verdict{}}}}
	for i, m := range recordedMinors() {
		differ.checks[0].want[m] = verdict{kind: []string{"runs", "fails"}[min(i, 1)]}
	}
	same := &labCase{checks: []labCheck{{want: map[string]verdict{}}}}
	for _, m := range recordedMinors() {
		same.checks[0].want[m] = verdict{kind: "runs"}
	}
	if !answersDiffer(differ) || answersDiffer(same) {
		t.Error("answersDiffer does not tell the two apart")
	}
}

// make timings runs the floor's commands and make run-all alternately,
// warm with this process's environment and cold with a GOCACHE of its own
// and a bin/ without the programs, and reports both.
func TestTimings(t *testing.T) {
	bin := t.TempDir()
	var runs []string
	fresh := true
	run := func(env []string, args ...string) (time.Duration, error) {
		cold := slices.ContainsFunc(env, func(kv string) bool { return kv == "GOCACHE="+filepath.Join(bin, "timings", "gocache") })
		if args[0] == "make" {
			fresh = !fileExists(filepath.Join(bin, "run-all"+exeSuffix()))
			os.WriteFile(filepath.Join(bin, "run-all"+exeSuffix()), nil, 0o666)
		}
		runs = append(runs, fmt.Sprintf("%v %s", cold, strings.Join(args, " ")))
		if cold && args[0] == "make" && !fresh {
			return 0, errors.New("bin/run-all was there")
		}
		return time.Millisecond, nil
	}
	var out strings.Builder
	if err := timingsIn(&out, bin, []string{"-n", "1", "-cold", "2"}, run); err != nil {
		t.Fatalf("timings: %v\n%s", err, out.String())
	}
	floor := len(floorCommands(filepath.Join(bin, "timings", "floor")))
	if len(runs) != 3*(floor+1) || runs[floor] != "false make --no-print-directory run-all" || runs[2*floor+1] != "true make --no-print-directory run-all" {
		t.Errorf("the runs were %q", runs)
	}
	for _, s := range []string{"warm: 1 runs of each, interleaved\n", "cold: 2 runs of each, interleaved, each with an empty GOCACHE\n", "\nwarm wall  floor: min ", "cold CPU   floor: min "} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("timings does not say %q:\n%s", s, out.String())
		}
	}
	failing := func(env []string, args ...string) (time.Duration, error) { return 0, errors.New("no go here") }
	out.Reset()
	if err := timingsIn(&out, bin, []string{"-n", "1", "-cold", "1"}, failing); err != errFailed || !strings.Contains(out.String(), "floor failed: no go here") {
		t.Errorf("timings with failing commands: %v\n%s", err, out.String())
	}
	if err := timingsIn(&out, bin, []string{"-x"}, failing); err != errUsage {
		t.Errorf("timings -x: %v", err)
	}
}
