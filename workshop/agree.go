package main

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// linkcheck predicts what the linker will say. The lab knows what it did
// say: agreeWithLinkcheck asks bin/linkcheck about every build the lab
// ran, with the case's overlay, and holds each prediction against the
// toolchain's real output from the same run. It compares one way: every
// build_fails text that linkcheck predicts must appear in what the go
// command printed, a build that failed must have at least one, and a build
// that linked must have none.

// knownDisagreements are lab checks on which linkcheck is known to be
// wrong today, keyed "LABEL on GO-MINOR", each with what it gets wrong.
// They are printed on every run and do not fail it; one that starts
// agreeing fails, so that it leaves this list.
var knownDisagreements = map[string]string{}

func agreeWithLinkcheck(tc tools, results []labResult, version string, known map[string]string) bool {
	// Ask linkcheck about every build at once, as many at a time as there
	// are cores, then report in lesson order.
	type answer struct {
		problem string
		err     error
	}
	answers := make([]*answer, len(results))
	parallel(len(results), func(i int) {
		r := results[i]
		if r.want.kind == "vet-silent" || r.overlay == "" {
			return
		}
		a := &answer{}
		args, err := linkcheckArgs(r)
		if err == nil {
			a.problem, err = disagreement(tc, r, args)
		}
		a.err = err
		answers[i] = a
	})
	compared, ok := 0, true
	for i, r := range results {
		a := answers[i]
		switch reason, isKnown := known[r.label()+" on "+version]; {
		case a == nil:
			continue
		case a.err != nil:
			fmt.Fprintf(tc.out, "ERROR     %s: %v\n", r.label(), a.err)
			ok = false
		case a.problem == "" && isKnown:
			fmt.Fprintf(tc.out, "FIXED     %s: linkcheck agrees now; remove it from knownDisagreements in workshop/agree.go\n", r.label())
			ok = false
		case a.problem == "":
			fmt.Fprintf(tc.out, "agrees    %s\n", r.label())
		case isKnown:
			fmt.Fprintf(tc.out, "KNOWN     %s: %s (%s)\n", r.label(), a.problem, reason)
		default:
			fmt.Fprintf(tc.out, "DISAGREE  %s: %s\n", r.label(), a.problem)
			ok = false
		}
		if a != nil && a.err == nil {
			compared++
		}
	}
	fmt.Fprintf(tc.out, "linkcheck: %d lab builds compared\n", compared)
	if compared == 0 {
		fmt.Fprintln(tc.out, "linkcheck: no lab build to compare with: the check would prove nothing")
		return false
	}
	return ok
}

// linkcheckArgs are the arguments that ask linkcheck about one lab check:
// its overlay, its flags, the package built and every package overlaid.
func linkcheckArgs(r labResult) ([]string, error) {
	args := []string{"-json", "-overlay", r.overlay}
	for _, f := range r.check.flags {
		if f != "-ldflags=-checklinkname=0" {
			return nil, fmt.Errorf("linkcheck has no counterpart for the build flag %s", f)
		}
		args = append(args, "-checklinkname=false")
	}
	patterns := []string{r.c.pkg}
	for p := range r.c.overlay {
		patterns = append(patterns, "./"+path.Dir(p))
	}
	slices.Sort(patterns)
	return append(args, slices.Compact(patterns)...), nil
}

// disagreement runs linkcheck and returns what it got wrong, or "".
func disagreement(tc tools, r labResult, args []string) (string, error) {
	out, err := tc.linkcheck(args...)
	var predictions []linkcheckFinding
	if jerr := json.Unmarshal(out, &predictions); jerr != nil {
		return "", fmt.Errorf("bin/linkcheck %s: %v (%v)", strings.Join(args, " "), err, jerr)
	}
	var fails []string
	for _, p := range predictions {
		if p.BuildFails != "" {
			fails = append(fails, p.BuildFails)
		}
	}
	if r.buildErr == nil {
		if len(fails) > 0 {
			return fmt.Sprintf("the build links, but linkcheck predicts %q", fails), nil
		}
		return "", nil
	}
	if len(fails) == 0 {
		return fmt.Sprintf("the build fails (%s), but linkcheck predicts it links", firstLine(r.buildOut)), nil
	}
	for _, f := range fails {
		if !strings.Contains(r.buildOut, f) {
			return fmt.Sprintf("linkcheck predicts %q, which the go command did not print; it printed:\n%s", f, indent(r.buildOut)), nil
		}
	}
	return "", nil
}

// firstLine is the first line of the go command's output that is not
// the name of a package.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
