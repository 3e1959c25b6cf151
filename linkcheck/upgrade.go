package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// linkcheck -upgrade goX.Y.Z checks the program twice, with the running Go
// (or -go) and with the named one, and reports only the linknames whose
// verdict or target changes between the two: what an upgrade, or a
// downgrade, does to the build before it is made.

// The kinds of change, from the first Go to the second.
const (
	changeStops          = "stops_linking"    // links, then fails
	changeStarts         = "starts_linking"   // fails, then links
	changeReason         = "reason_changed"   // same result, another reason or allowing package
	changeTargetRemoved  = "target_removed"   // the target's declaration is gone (removed or renamed)
	changeTargetAdded    = "target_added"     // a target that was not declared is now
	changeTargetType     = "target_signature" // the target's declared type changes
	changeUnsafe         = "signature_unsafe" // the two declarations stop agreeing under the ABI
	changeSafe           = "signature_safe"   // they start agreeing
	changeOnlyBefore     = "only_before"      // the line is built only by the first Go
	changeOnlyAfter      = "only_after"       // the line is built only by the second Go
	changeSignatureOther = "signature_changed"
	changePromiseLost    = "promise_lost" // links with both, but the second Go no longer promises to keep the mark
	changePromiseMade    = "promise_made" // links with both, and only the second Go promises to keep the mark
)

// How the build ends with one Go, the standard library's own lines left
// out: as the plain check's exit status and summary say it.
const (
	buildLinks  = "links"  // nothing stops the build, and no signature is unsafe
	buildUnsafe = "unsafe" // it links, but a signature is unsafe
	buildFails  = "fails"  // a line stops the build
)

// buildResult says how the build ends with these findings.
func buildResult(fs []finding) string {
	fs = outsideStd(fs)
	switch {
	case countFails(fs) > 0:
		return buildFails
	case countErrors(fs) > 0:
		return buildUnsafe
	}
	return buildLinks
}

// An upgradeReport is what changes between two Go versions.
type upgradeReport struct {
	From string `json:"from"`
	To   string `json:"to"`
	// For a module upgrade (-upgrade MODULE@VERSION): the module, whose
	// versions From and To name as module@version, and the Go of both
	// checks.
	Dependency string `json:"dependency,omitempty"`
	Go         string `json:"go,omitempty"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	Cgo        bool   `json:"cgo"`
	// How the build ends with each Go: buildLinks, buildUnsafe or
	// buildFails.
	FromBuild string          `json:"from_build"`
	ToBuild   string          `json:"to_build"`
	Breaks    bool            `json:"breaks"` // the second Go fails the build or makes a signature unsafe where the first did not
	Modules   []upgradeModule `json:"modules"`
}

type upgradeModule struct {
	Module  string          `json:"module"`
	Changes []upgradeChange `json:"changes"`
}

// An upgradeChange is one line whose verdict or target differs. Before
// and After are the findings under each Go; a line built by one Go only
// has one of them.
type upgradeChange struct {
	Kinds  []string `json:"kinds"`
	Breaks bool     `json:"breaks"`
	Pos    string   `json:"pos"`
	Local  string   `json:"local"`
	Target string   `json:"target,omitempty"`
	Mode   string   `json:"mode"`
	// The target's declared type under each Go, and a word-level diff:
	// [-removed-] {+added+}.
	TargetBefore string `json:"target_type_before,omitempty"`
	TargetAfter  string `json:"target_type_after,omitempty"`
	TargetDiff   string `json:"target_type_diff,omitempty"`
	// What -buildmode=c-shared and plugin do when the line fails for a
	// missing target outside the standard library.
	SharedBuilds string   `json:"shared_builds,omitempty"`
	Before       *finding `json:"before,omitempty"`
	After        *finding `json:"after,omitempty"`
}

// checkBoth loads and analyzes the program with each toolchain, side by
// side: the two share nothing. Assembly references are kept whatever
// their verdict, so that each pairs with the other Go's.
func checkBoth(tcs [2]*toolchain, dir string, patterns []string, overlay string, opts options) ([2][]finding, [2]*program, error) {
	opts.asmLinks = true
	var findings [2][]finding
	var progs [2]*program
	var errs [2]error
	var wg sync.WaitGroup
	for i, tc := range tcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			progs[i], errs[i] = load(tc, dir, patterns, overlay)
			if errs[i] == nil {
				findings[i] = analyze(progs[i], opts)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return findings, progs, fmt.Errorf("%s: %v", tcs[i].version, err)
		}
	}
	return findings, progs, nil
}

// findingKey names a line the same way under both Go versions. The
// standard library's own lines move between versions: they count by
// package, name and target.
func findingKey(f finding) string {
	pos := f.Pos
	if f.Module == "std" {
		pos = f.Package
	}
	return strings.Join([]string{f.Module, pos, f.Local, f.Target}, "\x00")
}

// declarationKey names the declaration a line is about, for the lines
// that findingKey leaves unpaired: a directive that one Go ignores leaves
// a bodyless function, reported at the function, with no target.
func declarationKey(f finding) string {
	return strings.Join([]string{f.Module, f.Package, f.Local}, "\x00")
}

// compareUpgrade lays the findings of the two Go versions side by side.
func compareUpgrade(from, to *toolchain, before, after []finding) *upgradeReport {
	r := &upgradeReport{From: from.version, To: to.version, GOOS: to.goos, GOARCH: to.goarch, Cgo: to.cgo,
		FromBuild: buildResult(before), ToBuild: buildResult(after), Modules: []upgradeModule{}}
	// match[i] is the index in after of before[i]'s line, or -1.
	match := make([]int, len(before))
	for i := range match {
		match[i] = -1
	}
	taken := make([]bool, len(after))
	moved := findMoved(before, after)
	for _, key := range []func(finding) string{findingKey, moved.key, declarationKey} {
		index := map[string][]int{}
		for j, f := range after {
			if !taken[j] && key(f) != "" {
				index[key(f)] = append(index[key(f)], j)
			}
		}
		for i, f := range before {
			if js := index[key(f)]; match[i] < 0 && len(js) > 0 && key(f) != "" {
				match[i], taken[js[0]] = js[0], true
				index[key(f)] = js[1:]
			}
		}
	}
	// Each change with its module, in the order of the findings.
	type moduleChange struct {
		module string
		change upgradeChange
	}
	var changes []moduleChange
	var modules []string
	add := func(module string, c upgradeChange) {
		if len(c.Kinds) == 0 {
			return
		}
		if !slices.Contains(modules, module) {
			modules = append(modules, module)
		}
		// The standard library's own lines (-std) are the toolchain's
		// business: they break nothing.
		c.Breaks = c.Breaks && module != "std"
		changes = append(changes, moduleChange{module, c})
		r.Breaks = r.Breaks || c.Breaks
	}
	for i, b := range before {
		if match[i] >= 0 {
			add(moved.label(b.Module), lineChange(&b, &after[match[i]]))
		} else {
			add(moved.label(b.Module), lineChange(&b, nil))
		}
	}
	for j, a := range after {
		if !taken[j] {
			add(moved.label(a.Module), lineChange(nil, &a))
		}
	}
	for _, m := range modules {
		um := upgradeModule{Module: m, Changes: []upgradeChange{}}
		for _, c := range changes {
			if c.module == m {
				um.Changes = append(um.Changes, c.change)
			}
		}
		r.Modules = append(r.Modules, um)
	}
	return r
}

// lineChange says what changes for one line; no kinds when nothing does.
func lineChange(b, a *finding) upgradeChange {
	some := cmp.Or(b, a)
	c := upgradeChange{Kinds: []string{}, Pos: some.Pos, Local: some.Local, Target: some.Target, Mode: some.Mode, Before: b, After: a}
	built := func(f *finding) bool { return f != nil && f.Link != linkExcluded }
	switch {
	case !built(b) && !built(a):
		return upgradeChange{}
	case !built(b):
		c.Kinds = append(c.Kinds, changeOnlyAfter)
		c.Breaks = a.isError()
		return c
	case !built(a):
		c.Kinds = append(c.Kinds, changeOnlyBefore)
		return c
	}
	c.Pos, c.Target, c.Mode = a.Pos, a.Target, a.Mode
	switch {
	case b.Link == linkOK && a.Link == linkFails:
		c.Kinds = append(c.Kinds, changeStops)
		c.Breaks = true
	case b.Link == linkFails && a.Link == linkOK:
		c.Kinds = append(c.Kinds, changeStarts)
	case b.Reason != a.Reason || b.By != a.By:
		c.Kinds = append(c.Kinds, changeReason)
	}
	switch {
	case b.Link != linkOK || a.Link != linkOK:
	case b.Promised == promised && a.Promised == incidental:
		c.Kinds = append(c.Kinds, changePromiseLost)
	case b.Promised == incidental && a.Promised == promised:
		c.Kinds = append(c.Kinds, changePromiseMade)
	}
	c.TargetBefore, c.TargetAfter = b.targetType, a.targetType
	switch {
	case b.Target != a.Target:
		// A directive that one Go ignores: no target to compare.
	case b.targetType != "" && a.targetType == "":
		c.Kinds = append(c.Kinds, changeTargetRemoved)
	case b.targetType == "" && a.targetType != "":
		c.Kinds = append(c.Kinds, changeTargetAdded)
	case b.targetType != a.targetType:
		c.Kinds = append(c.Kinds, changeTargetType)
		c.TargetDiff = wordDiff(b.targetType, a.targetType)
	}
	switch {
	case b.Signature != sigIncompatible && a.Signature == sigIncompatible:
		c.Kinds = append(c.Kinds, changeUnsafe)
		c.Breaks = true
	case b.Signature == sigIncompatible && a.Signature != sigIncompatible && a.Signature != "":
		c.Kinds = append(c.Kinds, changeSafe)
	case b.Signature != a.Signature || !slices.Equal(b.Diffs, a.Diffs):
		if b.Signature != "" && a.Signature != "" {
			c.Kinds = append(c.Kinds, changeSignatureOther)
		}
	}
	return c
}

// words splits a type into identifiers and punctuation.
var words = regexp.MustCompile(`[\p{L}\p{N}_./]+|\S`)

// wordDiff shows how type b becomes type a, word by word: [-gone-] and
// {+new+}, from the longest common subsequence of their words.
func wordDiff(b, a string) string {
	x, y := words.FindAllString(b, -1), words.FindAllString(a, -1)
	// lcs[i][j]: the longest common subsequence of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			out = append(out, x[i])
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, "[-"+x[i]+"-]")
			i++
		default:
			out = append(out, "{+"+y[j]+"+}")
			j++
		}
	}
	return joinWords(out)
}

// joinWords puts spaces back where Go's type syntax has them: after a
// comma, between two names, and after a closing parenthesis; none
// between a word removed and the word that replaces it.
func joinWords(ws []string) string {
	var b strings.Builder
	isName := func(w string) bool { return name.MatchString(w) }
	for i, w := range ws {
		if i > 0 && !(strings.HasPrefix(ws[i-1], "[-") && strings.HasPrefix(w, "{+")) {
			prev, cur := bare(ws[i-1]), bare(w)
			if prev == "," || isName(prev) && isName(cur) || prev == ")" && (isName(cur) || cur == "(") {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

// bare is a word without its diff marks.
func bare(w string) string {
	for _, mark := range [][2]string{{"[-", "-]"}, {"{+", "+}"}} {
		if len(w) > 4 && strings.HasPrefix(w, mark[0]) && strings.HasSuffix(w, mark[1]) {
			return w[2 : len(w)-2]
		}
	}
	return w
}

var name = regexp.MustCompile(`^[\p{L}\p{N}_./]+$`)

// runUpgrade checks the program with from and with the Go named by
// version and prints what changes: errFails when the change breaks the
// build or makes a signature unsafe.
func runUpgrade(from *toolchain, version, dir string, patterns []string, overlay string, opts options, asJSON bool, stdout io.Writer) error {
	to, err := newToolchain(version, os.Environ())
	if err != nil {
		return fmt.Errorf("%s: %w", version, firstLine(err))
	}
	return upgradeBetween(from, to, nil, dir, patterns, overlay, opts, asJSON, stdout)
}

// upgradeBetween checks the program with from and with to, prints what
// changes: errFails when the change breaks the build or makes a signature
// unsafe. mu is the module that the upgrade changes, nil for a Go upgrade.
func upgradeBetween(from, to *toolchain, mu *moduleUpgrade, dir string, patterns []string, overlay string, opts options, asJSON bool, stdout io.Writer) error {
	findings, progs, err := checkBoth([2]*toolchain{from, to}, dir, patterns, overlay, opts)
	from.writing.Wait()
	to.writing.Wait()
	if err != nil {
		return firstLine(err)
	}
	r := compareUpgrade(from, to, findings[0], findings[1])
	if mu != nil {
		r.Dependency, r.Go = mu.path, to.version
		r.From, r.To = mu.label(mu.from), mu.label(mu.to)
	}
	for i := range r.Modules {
		for j, c := range r.Modules[i].Changes {
			r.Modules[i].Changes[j].SharedBuilds = sharedBuildNote(progs[1], c.After)
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // module@old -> new
		enc.Encode(r)
	} else {
		r.print(stdout, findings[0], findings[1], progs[1].isProgram())
	}
	if r.Breaks {
		return errFails
	}
	return nil
}

// kindText says each kind of change in words.
var kindText = map[string]string{
	changeStops:          "stops linking",
	changeStarts:         "starts linking",
	changeReason:         "same result, other reason",
	changeTargetRemoved:  "target removed or renamed",
	changeTargetAdded:    "target declared",
	changeTargetType:     "target's signature changes",
	changeUnsafe:         "signature becomes unsafe",
	changeSafe:           "signature becomes safe",
	changeSignatureOther: "signature comparison changes",
	changeOnlyBefore:     "built only by the first Go",
	changeOnlyAfter:      "built only by the second Go",
	changePromiseLost:    "links, but the mark loses its promise",
	changePromiseMade:    "links, and the mark gains a promise",
}

// verdictText says a finding's verdict in a few words:
// "links (std_marked by runtime)", "fails (linknamestd)".
func verdictText(f *finding) string {
	s := f.Link + " (" + f.Reason
	if f.By != "" {
		s += " by " + f.By
	}
	return s + ")"
}

// print lays the report out by module, then a summary line; before and
// after are the findings under each Go.
func (r *upgradeReport) print(out io.Writer, before, after []finding, isProgram bool) {
	w := new(strings.Builder)
	defer func() {
		text := w.String()
		if r.Dependency != "" {
			text = dependencyWords.Replace(text)
		}
		io.WriteString(out, text)
	}()
	cgo := "cgo off"
	if r.Cgo {
		cgo = "cgo on"
	}
	counts := map[string]int{}
	for _, m := range r.Modules {
		fmt.Fprintln(w, m.Module)
		for _, c := range m.Changes {
			fmt.Fprintf(w, "  %s: %s", c.Pos, c.Local)
			if c.Target != "" {
				fmt.Fprintf(w, " -> %s", c.Target)
			}
			fmt.Fprintf(w, " [%s]\n", c.Mode)
			var said []string
			for _, k := range c.Kinds {
				counts[k]++
				said = append(said, kindText[k])
			}
			fmt.Fprintf(w, "      %s\n", strings.Join(said, "; "))
			switch {
			case c.Before != nil && c.After != nil:
				fmt.Fprintf(w, "      %s: %s\n      %s: %s\n", r.From, verdictText(c.Before), r.To, verdictText(c.After))
			case c.After != nil:
				fmt.Fprintf(w, "      %s: %s\n", r.To, verdictText(c.After))
			default:
				fmt.Fprintf(w, "      %s: %s\n", r.From, verdictText(c.Before))
			}
			if c.After != nil && c.After.Link == linkFails && (c.Before == nil || c.Before.Link != linkFails) {
				fmt.Fprintf(w, "      why: %s\n      go build: %s\n", c.After.Why, c.After.Fails)
			}
			if c.SharedBuilds != "" {
				fmt.Fprintf(w, "      %s\n", c.SharedBuilds)
			}
			if slices.Contains(c.Kinds, changePromiseLost) {
				fmt.Fprintf(w, "      %s: %s", r.From, strings.TrimLeft(c.Before.promiseLine(), " "))
			}
			if c.TargetDiff != "" {
				fmt.Fprintf(w, "      target: %s\n", c.TargetDiff)
			}
			if slices.Contains(c.Kinds, changeUnsafe) || c.Before == nil && c.After.Signature == sigIncompatible {
				fmt.Fprintf(w, "      UNSAFE signature, %s: %s\n", riskText[c.After.Risk], strings.Join(c.After.Diffs, "; "))
			}
		}
	}
	var parts []string
	for _, k := range []string{changeStops, changeStarts, changeReason, changeTargetRemoved, changeTargetType, changeUnsafe, changeSafe, changeOnlyBefore, changeOnlyAfter, changePromiseLost, changePromiseMade} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], kindText[k]))
		}
	}
	summary := "nothing changes"
	if len(parts) > 0 {
		summary = strings.Join(parts, ", ")
	}
	checked := plural(max(countDirectives(before), countDirectives(after)), "directive")
	if refs := max(countAssemblyRefs(before), countAssemblyRefs(after)); refs > 0 {
		checked += " and " + plural(refs, "assembly reference")
	}
	to := r.To
	if r.Go != "" {
		to += " with " + r.Go
	}
	fmt.Fprintf(w, "%s -> %s (%s/%s, %s), %s checked: %s: %s\n", r.From, to, r.GOOS, r.GOARCH, cgo, checked, summary, r.ending(isProgram))
}

// endings say how the build ends with the first Go and with the second.
var endings = map[[2]string]string{
	{buildLinks, buildUnsafe}:  "the upgrade makes a signature unsafe",
	{buildLinks, buildFails}:   "the upgrade breaks the build or makes a signature unsafe",
	{buildUnsafe, buildLinks}:  "it links with both, and a signature unsafe with the first Go is safe with the second",
	{buildUnsafe, buildUnsafe}: "it links with both, but a signature is unsafe with both",
	{buildUnsafe, buildFails}:  "the upgrade breaks the build, which links with the first Go (a signature unsafe)",
	{buildFails, buildLinks}:   "the build fails with the first Go and links with the second",
	{buildFails, buildUnsafe}:  "the build fails with the first Go, and links with the second but a signature is unsafe",
	{buildFails, buildFails}:   "the build fails with both",
}

// breaksToo ends the summary when the second Go breaks lines and the
// ending does not show it.
const breaksToo = ", and the upgrade breaks lines that linked or makes a signature unsafe"

// ending says how the build ends with each Go, and whether the second
// breaks what the first built when the two endings do not say it.
func (r *upgradeReport) ending(isProgram bool) string {
	s, ok := endings[[2]string{r.FromBuild, r.ToBuild}]
	switch {
	case ok:
	case isProgram:
		s = "the program still links"
	default:
		s = "nothing here stops the build"
	}
	worse := map[string]int{buildLinks: 0, buildUnsafe: 1, buildFails: 2}
	if r.Breaks && worse[r.ToBuild] <= worse[r.FromBuild] {
		s += breaksToo
	}
	return s
}

// countAssemblyRefs counts the references made from assembly.
func countAssemblyRefs(fs []finding) int {
	return len(slices.DeleteFunc(slices.Clone(fs), func(f finding) bool { return f.Local != asmReference }))
}
