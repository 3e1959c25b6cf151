package main

import (
	"bytes"
	"go/parser"
	"os"
	"path/filepath"
)

// excluded lists the directives of the files that the build leaves out,
// so that a report can say how many there are.
func (a *analysis) excluded(p *pkg) []finding {
	var findings []finding
	for _, name := range p.IgnoredGoFiles {
		path := filepath.Join(p.Dir, name)
		src, err := os.ReadFile(path)
		// Most such files, other systems' system calls, have none.
		if err != nil || !bytes.Contains(src, []byte("//go:linkname")) {
			continue
		}
		f, err := parser.ParseFile(a.tc.fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range directivesIn(a.tc.fset, f, src) {
			fd := a.newFinding(p, a.tc.fset.Position(d.pos), d.Local, d.Target)
			fd.Mode = modePull
			if d.Target == "" {
				fd.Mode = modeMarking
			} else if _, hasBody := findDeclIn(f, d.Local); hasBody {
				fd.Mode = modePush
			}
			fd.Link, fd.Reason, fd.Why = linkExcluded, reasonBuildExcluded, "a build constraint leaves "+name+" out of this build"
			findings = append(findings, fd)
		}
	}
	return findings
}
