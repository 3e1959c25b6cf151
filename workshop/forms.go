package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// The README opens with the three forms side by side. Every row names the
// lab cases that show it, with what each does; make docs writes the table
// only when the lab's records say the same on every Go on record, so a row
// cannot outlive the behaviour it describes.

// A formRow is one question asked of the three forms.
type formRow struct {
	question              string
	pull, push, handshake string
	shownBy               []labEvidence
}

// labEvidence is a lab case and the verdict it must have, without flags,
// on every Go on record: "fails", "runs", "builds" or "vet-silent".
type labEvidence struct{ name, kind string }

var formRows = []formRow{
	{
		question:  "Who writes a directive",
		pull:      "the consumer, on a bodyless declaration: `//go:linkname Add PATH/bar.add`",
		push:      "the target, on its function: `//go:linkname div PATH/foo.Div`",
		handshake: "both: the target marks `//go:linkname hello`, the consumer pulls as in pull mode",
	},
	{
		question:  "Where the body lives",
		pull:      "in the target (`bar.add`)",
		push:      "in the target (`bar.div`), filed under the consumer's symbol `foo.Div`",
		handshake: "in the target (`bar.hello`)",
		shownBy:   []labEvidence{{"push-twice", "fails"}},
	},
	{
		question:  "`import _ \"unsafe\"`",
		pull:      "in the consumer's file",
		push:      "in the target's file",
		handshake: "in both files",
		shownBy:   []labEvidence{{"without-unsafe", "fails"}},
	},
	{
		question:  "What links the target in",
		pull:      "an import of the target in the consumer (a blank one will do)",
		push:      "an import of the target in the receiving package",
		handshake: "an import of the target in the consumer",
		shownBy:   []labEvidence{{"pull-without-import", "fails"}, {"push-target-not-linked", "fails"}},
	},
	{
		question:  "Why the bodyless declaration compiles",
		pull:      "the directive on it",
		push:      "a `.s` file in its package, or a one-argument `//go:linkname Div` on it",
		handshake: "the directive on it",
		shownBy:   []labEvidence{{"push-without-asm", "fails"}, {"push-directive-instead-of-asm", "runs"}},
	},
	{
		question:  "Who checks the two signatures agree",
		pull:      "nobody",
		push:      "nobody",
		handshake: "nobody",
		shownBy:   []labEvidence{{"wrong-signature", "runs"}, {"wrong-signature", "vet-silent"}},
	},
	{
		question:  "What the linker checks (since Go 1.23)",
		pull:      "a standard-library target: refused unless the standard library marks it",
		push:      "nothing",
		handshake: "a standard-library target: allowed, unless the linker keeps the marked symbol for the standard library",
		shownBy:   []labEvidence{{"std-unexported", "fails"}, {"runtime-marked", "runs"}, {"runtime-reserved", "fails"}},
	},
}

// formsTable writes the forms table, after checking each row's evidence
// against the lab's records.
func formsTable() (string, error) {
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("| | Pull (`pull/`) | Push (`push/`) | Handshake (`handshake/`) | Shown by the lab |\n|---|---|---|---|---|\n")
	for _, row := range formRows {
		shown := []string{"the examples (`make run-all`)"}
		if len(row.shownBy) > 0 {
			shown = nil
		}
		for _, ev := range row.shownBy {
			if err := ev.check(cases); err != nil {
				return "", fmt.Errorf("forms table, %q: %v", row.question, err)
			}
			shown = append(shown, fmt.Sprintf("`%s` %s", ev.name, strings.ReplaceAll(ev.kind, "-", " ")))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", row.question, row.pull, row.push, row.handshake, strings.Join(shown, ", "))
	}
	return b.String(), nil
}

// check reports whether the case's check without flags records the
// evidence's verdict on every Go on record.
func (ev labEvidence) check(cases []*labCase) error {
	i := slices.IndexFunc(cases, func(c *labCase) bool { return c.name == ev.name })
	if i < 0 {
		return fmt.Errorf("no lab case %s", ev.name)
	}
	for _, check := range cases[i].checks {
		if len(check.flags) > 0 || (check.want[recordedMinors()[0]].kind == "vet-silent") != (ev.kind == "vet-silent") {
			continue
		}
		for _, minor := range recordedMinors() {
			if got := check.want[minor].kind; got != ev.kind {
				return fmt.Errorf("lab case %s records %q on %s, the table says it %s", ev.name, got, minor, ev.kind)
			}
		}
		return nil
	}
	return fmt.Errorf("lab case %s has no check that could show %s", ev.name, ev.kind)
}
