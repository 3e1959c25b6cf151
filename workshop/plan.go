package main

import (
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// The session plan's votes: for each lab case, the question the teacher
// asks before running it, and whether it belongs to the 45-minute core,
// to the 15-minute extension, or to the participants' own time at home. The order is lab/order.txt's, read by loadLab; the
// groups of that file (runs of cases between notes and blank lines) are
// the parts of the plan. TEACHING.md's vote tables and the slides are
// written from this list and that file.

// A vote is one lab case put to the room.
type vote struct {
	when string // slotCore, slotExtension or slotHome
	ask  string // the question, asked before the case is run
}

// When a vote is put: in the 45 minutes, in the 15 after them, or left
// for the participants to try at home. The values are the vote tables'
// words.
const (
	slotCore      = "core"
	slotExtension = "extension"
	slotHome      = "at home"
)

var votes = map[string]vote{
	"without-unsafe":                {slotCore, "The directive is unchanged, but the file no longer imports `unsafe`. Will it build?"},
	"pull-without-import":           {slotCore, "Nothing imports `bar` any more; `main` still pulls `bar.add`. Will it link?"},
	"push-without-asm":              {slotCore, "`foo.s` is gone; `foo.go` is unchanged. Will `foo` compile?"},
	"push-directive-instead-of-asm": {slotExtension, "`foo.s` is gone, but `Div` now carries a one-argument `//go:linkname Div`. Will it compile?"},
	"push-target-not-linked":        {slotHome, "`foo` no longer imports `bar`. Will the program link?"},
	"push-twice":                    {slotCore, "The program pushes a body of its own into `foo.Div`, as `bar` does. Will it link?"},
	"wrong-signature":               {slotCore, "`Add` is declared as taking a string; `bar.add` takes two ints. Will it build? Will `go vet` complain? What will it print?"},
	"method":                        {slotHome, "Can a pull reach a method of an unexported type? What is the method's symbol called?"},
	"generic-instantiation":         {slotHome, "Can a directive name one instantiation of a generic function, such as `bar.id[int]`?"},
	"std-unexported":                {slotCore, "The stdlib example as it is, built with and without the flag. Which build links?"},
	"std-exported":                  {slotExtension, "`fmt.Println` is exported. Can a program pull it?"},
	"std-method-marked":             {slotHome, "A method of `reflect`'s unexported `rtype`: `String`. Will it link?"},
	"std-method-unmarked":           {slotHome, "Another method of the same type: `CanSeq`. Will it link?"},
	"runtime-marked":                {slotCore, "`runtime.nanotime`, `runtime.fastrand` and `runtime.cheaprand` are unexported too. Will the linker let them through?"},
	"runtime-reserved":              {slotHome, "`runtime.coroswitch`, which package `iter` uses. Will it link?"},
	"pull-from-library":             {slotExtension, "The refused pull of `fmt.tooLarge` moves into a library package, and `main` calls it from there. Will it link without the flag?"},
	"runtime-assembly":              {slotCore, "`runtime.systemstack` is written in assembly. Will the pull link on Go 1.26? On Go 1.27?"},
	"internal-atomic-load":          {slotExtension, "A pull of `internal/runtime/atomic.Load`, an internal package of the runtime. Will it link on Go 1.26? On Go 1.27?"},
	"linknamestd":                   {slotExtension, "The program writes `//go:linkname`'s standard-library cousin `//go:linknamestd` over `runtime.nanotime`. Does each Go even read it?"},
	"linknamestd-without-unsafe":    {slotExtension, "The same directive in a file that does not import `unsafe`. Which Go complains, and about what?"},
}

// voteFor returns the case's vote, or an error that says where to add it.
func voteFor(name string) (vote, error) {
	v, ok := votes[name]
	if !ok {
		return vote{}, fmt.Errorf("lab case %s has no question for the room: add it to votes in workshop/plan.go", name)
	}
	return v, nil
}

// labGroups reads lab/order.txt's groups: each run of case names between
// notes and blank lines, in order. loadLab has checked the names.
func labGroups(fsys fs.FS) ([][]string, error) {
	order, err := fs.ReadFile(fsys, labOrderFile)
	if err != nil {
		return nil, err
	}
	var groups [][]string
	open := false
	for _, line := range strings.Split(string(order), "\n") {
		name, _, _ := strings.Cut(line, "#")
		name = strings.TrimSpace(name)
		if name == "" {
			open = false
			continue
		}
		if !open {
			groups = append(groups, nil)
			open = true
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], name)
	}
	return groups, nil
}

// groupOf returns the group of lab/order.txt that holds the case named.
func groupOf(fsys fs.FS, name string) ([]string, error) {
	groups, err := labGroups(fsys)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if slices.Contains(g, name) {
			return g, nil
		}
	}
	return nil, fmt.Errorf("%s lists no case %s", labOrderFile, name)
}

// votesTable is TEACHING.md's table for the group of lab/order.txt that
// holds the case named: the core cases first, each with its question, in
// the file's order, then those of the extension, then those left for
// home.
func votesTable(name string) (string, error) {
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		return "", err
	}
	for _, c := range cases {
		if _, err := voteFor(c.name); err != nil {
			return "", err
		}
	}
	for n := range votes {
		if !slices.Contains(caseNames(cases), n) {
			return "", fmt.Errorf("workshop/plan.go asks about %s, which %s does not list", n, labOrderFile)
		}
	}
	group, err := groupOf(os.DirFS("."), name)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("| Case | When | Ask before you run it |\n|---|---|---|\n")
	for _, when := range []string{slotCore, slotExtension, slotHome} {
		for _, n := range group {
			if v := votes[n]; v.when == when {
				fmt.Fprintf(&b, "| `%s` | %s | %s |\n", n, when, cell(v.ask))
			}
		}
	}
	return b.String(), nil
}

// casesFor are the cases put to the room at when (slotExtension or
// slotHome), in lab/order.txt's order.
func casesFor(when string) ([]string, error) {
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range cases {
		v, err := voteFor(c.name)
		if err != nil {
			return nil, err
		}
		if v.when == when {
			names = append(names, c.name)
		}
	}
	return names, nil
}

// voteList is the list of the votes put at when (slotExtension or
// slotHome), one item per case with its question; a case whose answer
// differs between the Go versions on record says to show both, with
// make lab-compare, and a console block holds those commands.
func voteList(when string) (string, error) {
	names, err := casesFor(when)
	if err != nil {
		return "", err
	}
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var compare []string
	for _, n := range names {
		fmt.Fprintf(&b, "- `%s`: %s", n, votes[n].ask)
		i := slices.IndexFunc(cases, func(c *labCase) bool { return c.name == n })
		if answersDiffer(cases[i]) {
			command := "make lab-compare CASE=" + n
			fmt.Fprintf(&b, " Go versions answer differently: show both with `%s`.", command)
			compare = append(compare, "$ "+command)
		}
		b.WriteString("\n")
	}
	if len(compare) > 0 {
		b.WriteString("\n" + fence("console", strings.Join(compare, "\n")+"\n"))
	}
	return b.String(), nil
}

// answersDiffer reports whether any check of the case records different
// answers for two Go versions on record.
func answersDiffer(c *labCase) bool {
	minors := recordedMinors()
	for _, check := range c.checks {
		for _, m := range minors[1:] {
			if check.want[m] != check.want[minors[0]] {
				return true
			}
		}
	}
	return false
}
