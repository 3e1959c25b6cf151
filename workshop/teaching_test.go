package main

import (
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The teacher's guide, TEACHING.md, promises that every command in its
// console blocks works. These tests run them all, and check that its
// tables of lab cases name every case the lab has and no other.

const guide = teachingGuide

// A guideCommand is one "$ " line of a console block: the command, and
// whether its comment says it fails until the participant has fixed their
// copy.
type guideCommand struct {
	line     string
	mustFail bool
}

// guideCommands returns the commands of every console block in src. A
// console block holds commands only: an output written there would be
// checked by nothing.
func guideCommands(t *testing.T, src string) []guideCommand {
	var commands []guideCommand
	var console consoleBlocks
	for n, line := range strings.Split(src, "\n") {
		command, comment, ok := console.command(line)
		switch {
		case !ok:
		case !strings.HasPrefix(line, "$ "):
			t.Errorf("%s:%d: a console block line that is not a command: %q", guide, n+1, line)
		default:
			commands = append(commands, guideCommand{command, strings.Contains(comment, "fails until")})
		}
	}
	return commands
}

// copyWorkspace copies the workspace's own files into dir, leaving out git's
// files, bin/ and the scratch copies.
func copyWorkspace(t *testing.T, root, dir string) {
	err := filepath.WalkDir(root, func(file string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, file)
		if slices.Contains([]string{".git", "bin", scratchDir}, rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o777)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o666)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Each command of the guide, in order, from the root of a copy of the
// workspace (so that scratch copies and copied-out modules land in a
// temporary folder), with the module proxy off: a room without a network
// can follow the guide.
func TestGuideCommandsRun(t *testing.T) {
	t.Parallel()
	root := workspaceRoot(t)
	src, err := os.ReadFile(filepath.Join(root, guide))
	if err != nil {
		t.Fatal(err)
	}
	commands := guideCommands(t, string(src))
	if len(commands) == 0 {
		t.Fatalf("%s has no commands", guide)
	}
	// The copy goes to the same temporary folder on every run: the build
	// cache keys compiled packages by their folder, and a new folder each
	// time would compile the workshop's packages afresh.
	h := fnv.New64a()
	h.Write([]byte(root))
	parent := filepath.Join(os.TempDir(), fmt.Sprintf("linkname-guide-%x", h.Sum64()))
	if err := os.RemoveAll(parent); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	workspace := filepath.Join(parent, "workspace")
	copyWorkspace(t, root, workspace)
	var env []string
	for _, kv := range os.Environ() {
		// The guide's make commands are not sub-makes of make test.
		if !strings.HasPrefix(kv, "MAKE") && !strings.HasPrefix(kv, "MFLAGS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOPROXY=off")
	for _, c := range commands {
		if runByMakeTest(c.line) {
			continue
		}
		// The guide copies out to /tmp/linkname-demo; here, to a
		// folder of the test's own.
		cmd := exec.Command("sh", "-c", strings.ReplaceAll(c.line, "/tmp/", parent+"/"))
		cmd.Dir, cmd.Env = workspace, env
		out, err := cmd.CombinedOutput()
		switch {
		case c.mustFail && err == nil:
			t.Errorf("$ %s\n%ssucceeded; the guide says it fails until the exercise is fixed", c.line, out)
		case !c.mustFail && err != nil:
			t.Errorf("$ %s\n%s%v", c.line, out, err)
		}
	}
}

// makeTargets returns the targets of a Makefile, with $(EXAMPLES) standing
// for the examples' names, as make help lists them.
func makeTargets(makefile string) map[string]bool {
	targets := map[string]bool{}
	for _, line := range strings.Split(makefile, "\n") {
		names, _, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ".") || strings.Contains(names, "=") {
			continue
		}
		for _, name := range strings.Fields(names) {
			if name == "$(EXAMPLES)" {
				for _, e := range exampleNames() {
					targets[e] = true
				}
				continue
			}
			targets[name] = true
		}
	}
	return targets
}

// runByMakeTest reports whether make test has run command already, as one
// of its steps: running it again would only take time.
func runByMakeTest(command string) bool {
	target, ok := strings.CutPrefix(command, "make ")
	if !ok || strings.ContainsAny(target, " =") {
		return false
	}
	if target == "test" {
		return true // it is what runs this
	}
	return slices.ContainsFunc(testSteps(), func(s step) bool {
		name, _, _ := strings.Cut(s.name, ",")
		return name == target
	})
}

// A make command quoted in the guide's prose names a target of the
// Makefile, and one with arguments is either a template (CASE=name) or a
// command of a console block, which the test above runs.
func TestGuideProseCommands(t *testing.T) {
	root := workspaceRoot(t)
	src, err := os.ReadFile(filepath.Join(root, guide))
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	targets := makeTargets(string(makefile))
	var run []string
	for _, c := range guideCommands(t, string(src)) {
		run = append(run, c.line)
	}
	spans := strings.Split(string(src), "`")
	for i := 1; i < len(spans); i += 2 {
		command, ok := strings.CutPrefix(spans[i], "make ")
		if !ok {
			continue
		}
		target, args, _ := strings.Cut(command, " ")
		if !targets[target] {
			t.Errorf("%s quotes %q: the Makefile has no target %s", guide, spans[i], target)
		}
		if args != "" && !strings.HasSuffix(args, "=name") && !slices.Contains(run, spans[i]) {
			t.Errorf("%s quotes %q, which no console block runs", guide, spans[i])
		}
	}
}

// The guide's tables of questions name every lab case once, and only
// cases the lab has.
func TestGuideAsksAboutEveryLabCase(t *testing.T) {
	root := workspaceRoot(t)
	src, err := os.ReadFile(filepath.Join(root, guide))
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	inCaseTable := false
	for _, line := range strings.Split(string(src), "\n") {
		cells := strings.Split(line, "|")
		switch {
		case len(cells) < 3:
			inCaseTable = false
		case strings.TrimSpace(cells[1]) == "Case":
			inCaseTable = true
		case inCaseTable && !strings.HasPrefix(strings.TrimSpace(cells[1]), "---"):
			asked = append(asked, strings.Trim(strings.TrimSpace(cells[1]), "`"))
		}
	}
	cases, err := loadLab(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	var inLab []string
	for _, c := range cases {
		inLab = append(inLab, c.name)
	}
	slices.Sort(inLab)
	sortedAsked := slices.Clone(asked)
	slices.Sort(sortedAsked)
	if !slices.Equal(sortedAsked, inLab) {
		t.Errorf("the guide asks about %v\nthe lab has %v", sortedAsked, inLab)
	}
}

// The guide says that with a Go older than 1.23 make stops at its first
// step and names the version. A stand-in go command plays the old Go.
func TestOldGoIsNamed(t *testing.T) {
	root := workspaceRoot(t)
	fakeBin := t.TempDir()
	fakeGo := "#!/bin/sh\necho go1.22.5\n"
	if err := os.WriteFile(filepath.Join(fakeBin, "go"), []byte(fakeGo), 0o777); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", "-s", "check-go")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PATH="+fakeBin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	want := "make: this workspace needs Go 1.23 or newer (go env GOVERSION: go1.22.5)"
	if first, _, _ := strings.Cut(string(out), "\n"); err == nil || first != want {
		t.Errorf("make check-go with go1.22.5: %v\n%s\nwant it to fail with %q", err, out, want)
	}
}

// The plan's table adds up: its rows run from minute 0 to 45 without a
// gap or an overlap, then the extension to 60; each row is a part of the
// guide, and its vote count is the number of votes that part puts to the
// room (core rows of its vote tables, or the extension's list), so the
// count a teacher plans by is the one the slides show.
func TestPlanFitsItsClock(t *testing.T) {
	root := workspaceRoot(t)
	src, err := os.ReadFile(filepath.Join(root, guide))
	if err != nil {
		t.Fatal(err)
	}
	parts, table := guideParts(string(src))
	rows := strings.Split(strings.TrimSpace(table), "\n")
	if len(rows) < 3 {
		t.Fatalf("the plan's table has %d lines", len(rows))
	}
	at, coreVotes := 0, 0
	for n, row := range rows[2:] {
		cells := strings.Split(strings.Trim(row, "|"), "|")
		if len(cells) != 4 {
			t.Fatalf("plan row %q: want Minutes | Part | Votes | Participants type", row)
		}
		minutes := strings.TrimSpace(cells[0])
		var from, to int
		if _, err := fmt.Sscanf(strings.Replace(minutes, "–", " ", 1), "%d %d", &from, &to); err != nil || from != at || to <= from {
			t.Errorf("plan row %q: starts at %s, want minute %d", row, minutes, at)
		}
		at = to
		extension := n == len(rows)-3
		if extension != strings.Contains(cells[1], "Extension") || extension && to != 60 || !extension && to > 45 {
			t.Errorf("plan row %q: the core ends at 45 and the last row, the extension, at 60", row)
		}
		planned := 0
		if v := strings.TrimSpace(cells[2]); v != "" {
			planned, _ = strconv.Atoi(v)
		}
		i := slices.IndexFunc(parts, func(p guidePart) bool { return strings.HasPrefix(p.title, minutes+": ") })
		if i < 0 {
			t.Errorf("plan row %q: no part \"### %s: ...\"", row, minutes)
			continue
		}
		put := 0
		for _, line := range strings.Split(parts[i].text, "\n") {
			if strings.HasPrefix(line, "- `") || strings.HasPrefix(line, "| `") && strings.Contains(line, "` | core |") {
				put++
			}
		}
		if put != planned {
			t.Errorf("part %q puts %d votes to the room; the plan's table says %d", parts[i].title, put, planned)
		}
		if !extension {
			coreVotes += put
		} else {
			// The extension's clock: a minute a vote, four an exercise.
			exercises := 0
			for _, m := range backquoted.FindAllStringSubmatch(parts[i].text, -1) {
				if exerciseNamed(m[1]) != nil {
					exercises++
				}
			}
			if minutes := put + 4*exercises; minutes > to-from {
				t.Errorf("the extension puts %d votes (a minute each) and %d exercises (four minutes each): %d minutes in its %d", put, exercises, minutes, to-from)
			}
		}
	}
	if at != 60 {
		t.Errorf("the plan ends at minute %d, want 60", at)
	}
	want := 0
	for _, v := range votes {
		if v.when == slotCore {
			want++
		}
	}
	if coreVotes != want || len(parts) != len(rows)-2 {
		t.Errorf("the core puts %d votes, workshop/plan.go marks %d core; %d parts for %d rows", coreVotes, want, len(parts), len(rows)-2)
	}
}

// No command the plan runs gives away a vote still to come: make stdlib
// prints both builds of std-unexported, so its vote comes first.
func TestVotesBeforeTheirAnswers(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(workspaceRoot(t), guide))
	if err != nil {
		t.Fatal(err)
	}
	vote, run := strings.Index(string(src), "| `std-unexported` |"), strings.Index(string(src), "$ make stdlib")
	if vote < 0 || run < 0 || vote > run {
		t.Errorf("%s runs make stdlib (at %d), which prints both builds, before it asks the std-unexported vote (at %d)", guide, run, vote)
	}
}
