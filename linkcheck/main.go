// Command linkcheck finds every //go:linkname directive in the named
// packages and says, for each one, what the toolchain will not: which mode
// it is, whether the target exists and is linked, whether the two
// signatures agree at the level that decides memory safety, and what the
// linker of the Go that runs it will say.
//
// Usage:
//
//	linkcheck [-json] [-overlay file] [-checklinkname=false] [packages]
//	linkcheck -marks [-json] VERSION [VERSION]
//
// Packages are go list patterns (default ./...). The exit status is 0 when
// there is no error-level finding, 1 when there is, and 2 when the
// arguments are wrong or the packages cannot be loaded.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	asJSON := flag.Bool("json", false, "print the findings as JSON")
	overlay := flag.String("overlay", "", "a go build -overlay file to apply")
	checkLinkname := flag.Bool("checklinkname", true, "predict the linker's standard-library check (false: as with -ldflags=-checklinkname=0)")
	listMarks := flag.Bool("marks", false, "list the standard-library symbols that code outside it may pull on each Go VERSION (go1.27.3, local), and what changes between two")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: linkcheck [-json] [-overlay file] [-checklinkname=false] [packages]")
		fmt.Fprintln(os.Stderr, "       linkcheck -marks [-json] VERSION [VERSION]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *listMarks {
		os.Exit(runMarks(flag.Args(), *asJSON))
	}
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	rules, err := readLinkerRules()
	if err != nil {
		fmt.Fprintf(os.Stderr, "linkcheck: reading the linker's rules: %v\n", err)
		os.Exit(2)
	}
	prog, err := load(patterns, *overlay)
	if err != nil {
		fmt.Fprintf(os.Stderr, "linkcheck: %s\n", strings.SplitN(err.Error(), "\n", 2)[0])
		os.Exit(2)
	}
	rules.checkOff = !*checkLinkname
	findings := analyze(prog, rules)
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(findings)
	} else {
		for _, f := range findings {
			fmt.Print(f.String())
		}
		directives := 0
		for _, f := range findings {
			if f.Mode != modeNone {
				directives++
			}
		}
		fmt.Printf("%d directives checked with %s's rules; %d findings with errors\n", directives, rules.goVersion, countErrors(findings))
	}
	if countErrors(findings) > 0 {
		os.Exit(1)
	}
}

func countErrors(fs []finding) int {
	n := 0
	for _, f := range fs {
		if len(f.Errors) > 0 {
			n++
		}
	}
	return n
}

func (f finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", f.Pos, f.Local)
	if f.Target != "" {
		fmt.Fprintf(&b, " -> %s", f.Target)
	}
	fmt.Fprintf(&b, " [%s]\n", f.Mode)
	if f.TargetOK != "" {
		fmt.Fprintf(&b, "    target: %s\n", f.TargetOK)
	}
	if f.Signature != "" {
		fmt.Fprintf(&b, "    signature: %s\n", f.Signature)
	}
	if f.Linker != "" {
		fmt.Fprintf(&b, "    linker: %s\n", f.Linker)
	}
	for _, e := range f.Errors {
		fmt.Fprintf(&b, "    ERROR %s\n", e)
	}
	for _, w := range f.Warnings {
		fmt.Fprintf(&b, "    warning: %s\n", w)
	}
	return b.String()
}
