// Command linkcheck finds every //go:linkname directive of a program, or
// of the packages named, and says for each one what the toolchain will
// not: which mode it is, whether the target is defined in the program,
// whether the two declarations travel the same way under the register
// ABI, and what the linker of a given Go will say.
//
// Usage:
//
//	linkcheck [-json] [-std] [-go goX.Y.Z] [-overlay file] [-checklinkname=false] [packages | files.go]
//	linkcheck -upgrade goX.Y.Z [-json] [-std] [-go goX.Y.Z] [-overlay file] [-checklinkname=false] [packages | files.go]
//	linkcheck -upgrade MODULE@VERSION [-json] [-std] [-go goX.Y.Z] [-overlay file] [-checklinkname=false] [packages | files.go]
//	linkcheck -ports [-json] [-std] [-go goX.Y.Z] [-overlay file] [-checklinkname=false] [packages | files.go]
//	linkcheck -allow file [-json] [-std] [-go goX.Y.Z] [-overlay file] [packages | files.go]
//	linkcheck -marks [-json] VERSION [VERSION]
//
// Packages are go list patterns (default ./...), or Go files of one
// package, as go build main.go takes them. When they name a main
// package, linkcheck checks the whole program: every package it links,
// the standard library's left out unless -std. The exit status is 0 when
// the build links and no signature is unsafe, 1 when the build would fail
// or a signature is unsafe, and 2 when the arguments are wrong or the
// packages cannot be loaded. With -upgrade, it checks the program under
// both Go versions and reports only what changes; the status is 1 when
// the change breaks the build or makes a signature unsafe. -upgrade
// MODULE@VERSION does the same with one Go, before and after go get
// MODULE@VERSION, run on copies of go.mod and go.sum. With -allow,
// it predicts the build with -ldflags=-checklinkname=0, and the status is
// also 1 when a line that the file does not list needs that flag.
// README.md describes the output and the allow file's format.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime/debug"
	"slices"
	"strings"
)

func main() {
	// A short-lived process that allocates much: collect less often.
	debug.SetGCPercent(400)
	if isVetInvocation(os.Args[1:]) {
		os.Exit(exitCode(os.Stderr, runVet(os.Args[1:], os.Stdout, os.Stderr), 1))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errFails is what a command returns when what it checked fails: the
// build, a signature, a line the allow file does not list. Its output has
// said why; the exit status is 1.
var errFails = errors.New("the check fails")

// errUsage is what a command returns when the flag package has already
// told what is wrong with the arguments.
var errUsage = errors.New("wrong arguments")

// usageError is a usage line, reported as it is.
type usageError string

func (u usageError) Error() string { return string(u) }

// exitCode reports err once, on stderr, and returns the exit status: 0
// for no error, 1 for errFails, and status for any other.
func exitCode(stderr io.Writer, err error, status int) int {
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errFails):
		return 1
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, usage)
	case !errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "linkcheck: %v\n", err)
	}
	return status
}

// firstLine is an error's first line: the go command's errors go on
// with the details of each package.
func firstLine(err error) error {
	if first, _, cut := strings.Cut(err.Error(), "\n"); cut {
		return errors.New(first)
	}
	return err
}

// run is linkcheck with the command line args: it prints to stdout and
// stderr, and returns the exit status, 2 when the arguments are wrong or
// the packages cannot be loaded.
func run(args []string, stdout, stderr io.Writer) int {
	return exitCode(stderr, command(args, stdout, stderr), 2)
}

// command is linkcheck with the command line args.
func command(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("linkcheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	asJSON := flags.Bool("json", false, "print the findings as a JSON array")
	withStd := flags.Bool("std", false, "report the standard library's own directives too")
	goVersion := flags.String("go", "", "use the rules, marks and sources of this Go (such as go1.27.3), fetched like GOTOOLCHAIN does")
	overlay := flags.String("overlay", "", "a go build -overlay file to apply")
	checkLinkname := flags.Bool("checklinkname", true, "predict the linker's standard-library check (false: as with -ldflags=-checklinkname=0)")
	upgrade := flags.String("upgrade", "", "report what changes for the program's linknames under this Go (such as go1.27.3), up or down from the running Go or -go; or after go get MODULE@VERSION (such as golang.org/x/net@v0.30.0)")
	allowFile := flags.String("allow", "", "predict the build with -ldflags=-checklinkname=0, and fail when a reference that needs it is not listed in this file (lines: PACKAGE SYMBOL # REASON)")
	ports := flags.Bool("ports", false, "check the program for every first-class port, and report the lines whose verdict or signature safety differs between them")
	listMarks := flags.Bool("marks", false, "list the standard-library symbols that code outside it may pull on each Go VERSION (go1.27.3, local), whether that Go promises to keep each, and what changes between two")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: linkcheck [-json] [-std] [-go goX.Y.Z] [-overlay file] [-checklinkname=false] [packages | files.go]")
		fmt.Fprintln(stderr, "       linkcheck -upgrade goX.Y.Z [-json] [-std] [-go goX.Y.Z] [-overlay file] [-checklinkname=false] [packages | files.go]")
		fmt.Fprintln(stderr, "       linkcheck -upgrade MODULE@VERSION [-json] [-std] [-go goX.Y.Z] [-overlay file] [-checklinkname=false] [packages | files.go]")
		fmt.Fprintln(stderr, "       linkcheck -ports [-json] [-std] [-go goX.Y.Z] [-overlay file] [-checklinkname=false] [packages | files.go]")
		fmt.Fprintln(stderr, "       linkcheck -allow file [-json] [-std] [-go goX.Y.Z] [-overlay file] [packages | files.go]")
		fmt.Fprintln(stderr, "       linkcheck -marks [-json] VERSION [VERSION]")
		fmt.Fprint(stderr, vetUsage)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err == flag.ErrHelp {
		return nil
	} else if err != nil {
		return errUsage
	}
	// Every version is checked before any is fetched.
	target, err := parseUpgrade(*upgrade)
	if err != nil {
		return fmt.Errorf("-upgrade: %w", err)
	}
	type named struct{ flag, version string }
	versions := []named{{"go", *goVersion}, {"upgrade", target.goVersion}}
	if *listMarks {
		versions = nil
		for _, v := range flags.Args() {
			versions = append(versions, named{"marks", v})
		}
	}
	for _, v := range versions {
		if err := checkVersion(v.version); err != nil {
			return fmt.Errorf("-%s: %w", v.flag, err)
		}
	}
	if *listMarks {
		return runMarks(flags.Args(), *asJSON, stdout)
	}
	var allow *allowList
	if *allowFile != "" {
		if *upgrade != "" {
			return errors.New("-allow and -upgrade do not combine: run -allow with each Go (-go)")
		}
		var err error
		if allow, err = readAllow(*allowFile); err != nil {
			return err
		}
	}
	patterns := flags.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	tc, err := newToolchain(*goVersion, os.Environ())
	if err != nil {
		return err
	}
	dir, _ := os.Getwd()
	opts := options{checkOff: !*checkLinkname, std: *withStd}
	if *ports {
		if *upgrade != "" {
			return errors.New("-ports and -upgrade do not go together: run one, then the other")
		}
		return runPorts(*goVersion, dir, patterns, *overlay, opts, *asJSON, stdout)
	}
	if target.module != "" {
		return runModuleUpgrade(tc, target, dir, patterns, *overlay, opts, *asJSON, stdout)
	}
	if *upgrade != "" {
		return runUpgrade(tc, *upgrade, dir, patterns, *overlay, opts, *asJSON, stdout)
	}
	prog, err := load(tc, dir, patterns, *overlay)
	if err != nil {
		return firstLine(err)
	}
	if allow != nil {
		return runAllow(tc, prog, opts, allow, *asJSON, stdout, stderr)
	}
	findings := analyze(prog, opts)
	tc.writing.Wait()
	if *asJSON {
		writeJSON(stdout, findings)
	} else {
		fmt.Fprint(stdout, report(tc, findings, prog.isProgram()))
	}
	return findingsError(findings)
}

// findingsError is errFails when exitStatus is 1.
func findingsError(findings []finding) error {
	if exitStatus(findings) == 1 {
		return errFails
	}
	return nil
}

// exitStatus is 1 when a finding stops the build or declares a signature
// that the ABI does not forgive, else 0. Warnings do not count.
// The standard library's own lines, which -std reports, are the
// toolchain's business: a released Go links them.
func exitStatus(findings []finding) int {
	if countErrors(outsideStd(findings)) > 0 {
		return 1
	}
	return 0
}

// writeJSON writes the findings as a JSON array: [] when there are none.
func writeJSON(w io.Writer, findings []finding) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if findings == nil {
		findings = []finding{} // [] rather than null
	}
	return enc.Encode(findings)
}

// isProgram reports whether the patterns name a main package.
func (prog *program) isProgram() bool {
	return slices.ContainsFunc(prog.pkgs, func(p *pkg) bool { return !p.DepOnly && p.Name == "main" })
}

// isError reports whether the finding stops the build or declares a
// signature that the ABI does not forgive.
func (f finding) isError() bool {
	return f.Link == linkFails || f.Signature == sigIncompatible
}

// outsideStd leaves out the standard library's own lines.
func outsideStd(fs []finding) []finding {
	return slices.DeleteFunc(slices.Clone(fs), func(f finding) bool { return f.Module == "std" })
}

// countOf counts the findings that is holds for.
func countOf(fs []finding, is func(finding) bool) int {
	n := 0
	for _, f := range fs {
		if is(f) {
			n++
		}
	}
	return n
}

func countErrors(fs []finding) int { return countOf(fs, finding.isError) }

// isDirective reports whether the finding is about a directive that the
// build compiles.
func (f finding) isDirective() bool {
	return f.Mode != modeNone && f.Link != linkExcluded
}

// report lays out the findings by module, paths relative to the module,
// then one line per module and the total.
func report(tc *toolchain, findings []finding, isProgram bool) string {
	var b strings.Builder
	var modules []string
	byModule := map[string][]finding{}
	for _, f := range findings {
		if _, seen := byModule[f.Module]; !seen {
			modules = append(modules, f.Module)
		}
		byModule[f.Module] = append(byModule[f.Module], f)
	}
	for _, m := range modules {
		shown := slices.DeleteFunc(slices.Clone(byModule[m]), func(f finding) bool { return f.Link == linkExcluded })
		if len(shown) == 0 {
			continue
		}
		b.WriteString(m + "\n")
		for _, f := range shown {
			b.WriteString(f.String())
		}
	}
	directives, errors := 0, 0
	for _, m := range modules {
		fs := byModule[m]
		modes := map[string]int{}
		excluded := 0
		for _, f := range fs {
			switch {
			case f.Link == linkExcluded:
				excluded++
			case f.isDirective():
				modes[f.Mode]++
			}
		}
		n := countDirectives(fs)
		directives += n
		errors += countErrors(outsideStd(fs))
		line := fmt.Sprintf("%s: %s", m, plural(n, "directive"))
		if n > 0 {
			line += " (" + tally(modes) + ")"
		}
		if excluded > 0 {
			line += fmt.Sprintf(", %d more in files this build leaves out", excluded)
		}
		line += ", " + plural(countErrors(fs), "error")
		if n := countIncidental(fs); n > 0 && m != "std" {
			line += ", " + plural(n, "incidental pull")
		}
		if m == "std" {
			line += " (the toolchain's own: not counted)"
		}
		b.WriteString(line + "\n")
	}
	cgo := "cgo off"
	if tc.cgo {
		cgo = "cgo on"
	}
	fmt.Fprintf(&b, "total: %s in %s, %s, %s, with %s's rules (%s/%s, %s): ",
		plural(directives, "directive"), plural(len(modules), "module"), plural(errors, "error"),
		plural(countIncidental(outsideStd(findings)), "incidental pull"), tc.version, tc.goos, tc.goarch, cgo)
	switch result := buildResult(findings); {
	case result == buildFails:
		b.WriteString("the build fails\n")
	case result == buildUnsafe:
		b.WriteString("it links, but a signature is unsafe\n")
	case isProgram:
		b.WriteString("the program links\n")
	default:
		b.WriteString("nothing here stops the build\n")
	}
	return b.String()
}

func countDirectives(fs []finding) int { return countOf(fs, finding.isDirective) }

func countFails(fs []finding) int {
	return countOf(fs, func(f finding) bool { return f.Link == linkFails })
}

// plural says "1 directive", "2 directives".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// tally lays out counts as "36 handshake, 10 pull", largest first.
func tally(counts map[string]int) string {
	keys := slices.Sorted(maps.Keys(counts))
	slices.SortStableFunc(keys, func(a, b string) int { return counts[b] - counts[a] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	return strings.Join(parts, ", ")
}

// riskText says what an incompatible signature risks.
var riskText = map[string]string{
	riskMemory: "can corrupt memory",
	riskGC:     "can mislead the garbage collector",
	riskValues: "gives wrong values",
}

// signatureText says how the two declarations compare.
var signatureText = map[string]string{
	sigIdentical: "identical",
	sigSameShape: "the same under the register ABI, with different type names",
	sigPrefix:    "a smaller variable over the start of the target, pointers in the same places",
	sigLarger:    "a larger variable over the target, which the linker makes as large, pointers in the same places",
}

func (f finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s: %s", f.Pos, f.Local)
	if f.Target != "" {
		fmt.Fprintf(&b, " -> %s", f.Target)
	}
	fmt.Fprintf(&b, " [%s]\n", f.Mode)
	if f.Link == linkFails {
		fmt.Fprintf(&b, "      FAILS: %s (%s)\n      go build: %s\n", f.Why, f.Reason, f.Fails)
	} else {
		fmt.Fprintf(&b, "      links: %s (%s)\n", f.Why, f.Reason)
	}
	switch f.Signature {
	case "":
	case sigIncompatible:
		fmt.Fprintf(&b, "      UNSAFE signature, %s: %s\n", riskText[f.Risk], strings.Join(f.Diffs, "; "))
	default:
		fmt.Fprintf(&b, "      signature: %s\n", signatureText[f.Signature])
	}
	b.WriteString(f.promiseLine())
	if f.Allow != nil {
		b.WriteString(f.Allow.String())
	}
	for _, w := range f.Warnings {
		fmt.Fprintf(&b, "      warning: %s\n", w)
	}
	return b.String()
}
