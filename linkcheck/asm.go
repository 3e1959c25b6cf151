package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// An asmSymbol is a symbol named in a package's assembly.
type asmSymbol struct {
	Sym  string // full name: runtime.cmpstring, main.f, crosscall2
	File string
	Line int
}

// asmName matches a symbol in assembly: "·Div", "runtime·systemstack",
// "internal∕bytealg·IndexByte", "github·com∕user∕p·x" (a dot of the path
// written as a middle dot too: the name is after the last), with an
// optional <ABI> and offset, then (SB). A name without a middle dot, such
// as crosscall2, belongs to no package.
var asmName = regexp.MustCompile(`([\pL\pN_./∕·-]*)·([\pL\pN_.]+)(?:<[A-Za-z0-9]+>)?(?:[+-]\d+)?\(SB\)`)

// textPlain matches a TEXT line for a symbol without a middle dot.
var textPlain = regexp.MustCompile(`^TEXT\s+([\pL\pN_]+)(?:<[A-Za-z0-9]+>)?\(SB\)`)

// readAssembly lists the functions the package's .s files define (the
// symbol's package is the one the TEXT line names, which need not be
// this one: internal/bytealg defines runtime·cmpstring) and the symbols
// of other packages they refer to.
func (p *pkg) readAssembly() {
	for _, file := range p.SFiles {
		path := filepath.Join(p.Dir, file)
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			line, _, _ = strings.Cut(line, "//")
			line = strings.TrimSpace(line)
			verb, _, _ := strings.Cut(line, "\t")
			verb, _, _ = strings.Cut(verb, " ")
			matches := asmName.FindAllStringSubmatchIndex(line, -1)
			if verb == "TEXT" {
				if m := textPlain.FindStringSubmatch(line); m != nil {
					p.asmDefs = append(p.asmDefs, asmSymbol{m[1], path, i + 1})
				}
			}
			for j, m := range matches {
				prefix, name := line[m[2]:m[3]], line[m[4]:m[5]]
				sym := strings.NewReplacer("∕", "/", "·", ".").Replace(prefix) + "." + name
				if prefix == "" {
					sym = p.symPath() + "." + name
				}
				switch {
				case j == 0 && verb == "TEXT":
					p.asmDefs = append(p.asmDefs, asmSymbol{sym, path, i + 1})
				case j == 0 && (verb == "GLOBL" || verb == "DATA"), prefix == "":
					// its own data, or its own package's symbols
					if prefix == "" {
						if p.asmNames == nil {
							p.asmNames = map[string]bool{}
						}
						p.asmNames[name] = true
					}
				default:
					p.asmRefs = append(p.asmRefs, asmSymbol{sym, path, i + 1})
				}
			}
		}
	}
}
