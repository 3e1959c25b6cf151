package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// print lays the report out as a table.
func (r *marksReport) print(w io.Writer) {
	pullable := 0
	for _, s := range r.Symbols {
		if s.Pullable {
			pullable++
		}
	}
	fmt.Fprintf(w, "%s %s/%s, %s: %d symbols code outside the standard library may pull, %d refused\n",
		r.Go, r.GOOS, r.GOARCH, cgoText(r.Cgo), pullable, len(r.Symbols)-pullable)
	fmt.Fprintf(w, "directive lines (all platforms): %d one-argument //go:linkname, %d //go:linknamestd\n",
		r.OneArgLinknameLines, r.LinknamestdLines)
	fmt.Fprintf(w, "left out: %d assembly functions with no Go declaration, which a Go pull cannot reach\n", r.UnreachableAssembly)
	kept, named, modules := promiseCounts(r)
	fmt.Fprintf(w, "promised (a comment asks not to remove or change it): %d of the %d pullable, %d of them naming %s\n\n",
		kept, pullable, named, plural(modules, "module"))
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SYMBOL\tKIND\tVERDICT\tREASON\tWHERE\tDETAIL\tPROMISE")
	for _, s := range r.Symbols {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Symbol, s.Kind, verdictWord(s.Pullable), s.Reason, s.Where, s.Detail, promiseCell(s))
	}
	tw.Flush()
}

// cgoText says the cgo setting as the other outputs do.
func cgoText(on bool) string {
	if on {
		return "cgo on"
	}
	return "cgo off"
}

func verdictWord(pullable bool) string {
	if pullable {
		return "pullable"
	}
	return "refused"
}

// A marksDiff is what changes from one version to another.
type marksDiff struct {
	From          marksSummary `json:"from"`
	To            marksSummary `json:"to"`
	StopPullable  []markChange `json:"stop_pullable"`
	StartPullable []markChange `json:"start_pullable"`
	ReasonChanged []markChange `json:"reason_changed"`
	// PromiseChanged: the symbols whose promise, or the modules it
	// names, differ, whatever their verdicts.
	PromiseChanged []markChange `json:"promise_changed"`
}

type marksSummary struct {
	Go                  string `json:"go"`
	GOOS                string `json:"goos"`
	GOARCH              string `json:"goarch"`
	Cgo                 bool   `json:"cgo"`
	OneArgLinknameLines int    `json:"one_arg_linkname_lines"`
	LinknamestdLines    int    `json:"linknamestd_lines"`
	Pullable            int    `json:"pullable"`
	Promised            int    `json:"promised"` // pullable and promised
}

// A markChange is one symbol whose verdict or reason differs. A side
// where the symbol is not listed says reason "unmarked".
type markChange struct {
	Symbol string     `json:"symbol"`
	Kind   string     `json:"kind"`
	From   markSymbol `json:"from"`
	To     markSymbol `json:"to"`
}

func diffMarks(from, to *marksReport) *marksDiff {
	d := &marksDiff{From: summarize(from), To: summarize(to),
		StopPullable: []markChange{}, StartPullable: []markChange{}, ReasonChanged: []markChange{}, PromiseChanged: []markChange{}}
	index := func(r *marksReport) map[string]markSymbol {
		m := map[string]markSymbol{}
		for _, s := range r.Symbols {
			m[s.Symbol] = s
		}
		return m
	}
	before, after := index(from), index(to)
	var symbols []string
	for _, r := range []*marksReport{from, to} {
		for _, s := range r.Symbols {
			symbols = append(symbols, s.Symbol)
		}
	}
	slices.Sort(symbols)
	for _, sym := range slices.Compact(symbols) {
		b, inBefore := before[sym]
		a, inAfter := after[sym]
		if !inBefore {
			b = markSymbol{Symbol: sym, Kind: a.Kind, Reason: reasonUnmarked, Detail: from.Go + " neither marks nor pushes it, nor defines it in assembly",
				Promised: incidental, PromisedFor: []string{}}
		}
		if !inAfter {
			a = markSymbol{Symbol: sym, Kind: b.Kind, Reason: reasonUnmarked, Detail: to.Go + " neither marks nor pushes it, nor defines it in assembly",
				Promised: incidental, PromisedFor: []string{}}
		}
		c := markChange{Symbol: sym, Kind: cmp.Or(a.Kind, b.Kind), From: b, To: a}
		switch {
		case b.Pullable && !a.Pullable:
			d.StopPullable = append(d.StopPullable, c)
		case !b.Pullable && a.Pullable:
			d.StartPullable = append(d.StartPullable, c)
		case b.Reason != a.Reason:
			d.ReasonChanged = append(d.ReasonChanged, c)
		}
		if b.Promised != a.Promised || !slices.Equal(b.PromisedFor, a.PromisedFor) {
			d.PromiseChanged = append(d.PromiseChanged, c)
		}
	}
	return d
}

func summarize(r *marksReport) marksSummary {
	s := marksSummary{Go: r.Go, GOOS: r.GOOS, GOARCH: r.GOARCH, Cgo: r.Cgo,
		OneArgLinknameLines: r.OneArgLinknameLines, LinknamestdLines: r.LinknamestdLines}
	for _, sym := range r.Symbols {
		if sym.Pullable {
			s.Pullable++
		}
	}
	s.Promised, _, _ = promiseCounts(r)
	return s
}

// promiseCounts counts the pullable symbols that are promised, those of
// them whose comments name a module, and the modules named.
func promiseCounts(r *marksReport) (kept, named, modules int) {
	seen := map[string]bool{}
	for _, s := range r.Symbols {
		if !s.Pullable || s.Promised != promised {
			continue
		}
		kept++
		if len(s.PromisedFor) > 0 {
			named++
		}
		for _, m := range s.PromisedFor {
			seen[m] = true
		}
	}
	return kept, named, len(seen)
}

// promiseCell says a symbol's promise in a few words: "incidental",
// "promised", "promised for github.com/a, github.com/b".
func promiseCell(s markSymbol) string {
	if s.Promised != promised || len(s.PromisedFor) == 0 {
		return s.Promised
	}
	return promised + " for " + strings.Join(s.PromisedFor, ", ")
}

// promiseChange says what changes in a promise: "promise dropped",
// "+github.com/a -github.com/b".
func promiseChange(c markChange) string {
	switch {
	case c.From.Promised == promised && c.To.Promised != promised:
		return "promise dropped"
	case c.From.Promised != promised && c.To.Promised == promised:
		return "promise made"
	}
	var parts []string
	for _, m := range c.From.PromisedFor {
		if !slices.Contains(c.To.PromisedFor, m) {
			parts = append(parts, "-"+m)
		}
	}
	for _, m := range c.To.PromisedFor {
		if !slices.Contains(c.From.PromisedFor, m) {
			parts = append(parts, "+"+m)
		}
	}
	return "modules " + strings.Join(parts, " ")
}

func (d *marksDiff) print(w io.Writer) {
	fmt.Fprintf(w, "%s -> %s, %s/%s, %s\n", d.From.Go, d.To.Go, d.To.GOOS, d.To.GOARCH, cgoText(d.To.Cgo))
	fmt.Fprintf(w, "pullable from outside the standard library: %d -> %d, of them promised: %d -> %d\n", d.From.Pullable, d.To.Pullable, d.From.Promised, d.To.Promised)
	fmt.Fprintf(w, "directive lines (all platforms): one-argument //go:linkname %d -> %d, //go:linknamestd %d -> %d\n",
		d.From.OneArgLinknameLines, d.To.OneArgLinknameLines, d.From.LinknamestdLines, d.To.LinknamestdLines)
	for _, part := range []struct {
		title   string
		changes []markChange
	}{
		{"Stop being pullable", d.StopPullable},
		{"Start being pullable", d.StartPullable},
		{"Same verdict, other reason", d.ReasonChanged},
	} {
		fmt.Fprintf(w, "\n%s (%d):\n", part.title, len(part.changes))
		if len(part.changes) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "  SYMBOL\tKIND\t%s\t%s\n", strings.ToUpper(d.From.Go), strings.ToUpper(d.To.Go))
		for _, c := range part.changes {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Symbol, c.Kind, markCell(c.From), markCell(c.To))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\nPromise or named modules change (%d):\n", len(d.PromiseChanged))
	if len(d.PromiseChanged) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "  SYMBOL\tKIND\t%s\t%s\tCHANGE\n", strings.ToUpper(d.From.Go), strings.ToUpper(d.To.Go))
	for _, c := range d.PromiseChanged {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", c.Symbol, c.Kind, promiseWord(c.From), promiseWord(c.To), promiseChange(c))
	}
	tw.Flush()
}

// promiseWord is a side of a promise change: "promised (3 modules)".
func promiseWord(s markSymbol) string {
	if s.Promised != promised {
		return s.Promised
	}
	return fmt.Sprintf("%s (%s)", promised, plural(len(s.PromisedFor), "module"))
}

// markCell says a verdict in a few words: "marked runtime/stubs.go:12",
// "refused: linknamestd runtime/coro.go:87".
func markCell(s markSymbol) string {
	cell := strings.TrimSpace(s.Reason + " " + s.Where)
	if !s.Pullable && s.Reason != reasonUnmarked {
		cell = "refused: " + cell
	}
	return cell
}
