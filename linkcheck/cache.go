package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The skeleton cache. The packages of the standard library and of the
// module cache never change for one Go version, so linkcheck keeps what it
// reads of each, in os.UserCacheDir()/linkcheck, as the go command keeps
// its build cache: its Go files with function bodies and table contents
// blanked out (line numbers kept), for the type checker; its directives,
// definitions and assembly symbols; and what its function bodies name,
// for reach. Reading a skeleton is several times faster than the files.

// skeletonFormat changes whenever what a skeleton holds changes.
const skeletonFormat = "linkcheck skeleton 7"

type skeleton struct {
	Later      bool              // nothing read: see parse
	Files      map[string]string // file name -> blanked source
	Directives []directive
	Defs       []string
	Bodyless   bool
	AsmDefs    []asmSymbol
	AsmRefs    []asmSymbol
	Used       map[string]bool
	Refs       map[string][]string
	Roots      []string
	Undefined  *undefinedName
}

// skeletonFile names the cache file for p, or "" when p is not cached:
// outside the standard library and the module cache, or overlaid.
func (prog *program) skeletonFile(p *pkg) string {
	tc := prog.tc
	if tc.cacheDir == "" || !p.Standard && (tc.modCache == "" || !strings.HasPrefix(p.Dir, tc.modCache+string(filepath.Separator))) {
		return ""
	}
	files := append(append(slices.Clone(p.GoFiles), p.CgoFiles...), p.SFiles...)
	for _, name := range files {
		if _, ok := prog.overlay[filepath.Join(p.Dir, name)]; ok {
			return ""
		}
	}
	key := strings.Join(append([]string{skeletonFormat, tc.version, tc.goos, tc.goarch, p.ImportPath, p.Dir}, files...), "\n")
	return filepath.Join(tc.cacheDir, fmt.Sprintf("%x.json", sha256.Sum256([]byte(key))))
}

// readSkeleton fills in p from its cached skeleton, if there is one. Its
// sources wait until the package must be type-checked.
func (prog *program) readSkeleton(p *pkg, cacheFile string) bool {
	data, err := os.ReadFile(cacheFile)
	if err != nil {
		return false
	}
	var s skeleton
	if json.Unmarshal(data, &s) != nil {
		return false
	}
	p.undefined = s.Undefined
	if s.Later {
		p.later = true
		return true
	}
	for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
		if _, ok := s.Files[name]; !ok {
			return false
		}
	}
	p.skeleton, p.directives, p.defs, p.bodyless, p.asmDefs, p.asmRefs = s.Files, s.Directives, s.Defs, s.Bodyless, s.AsmDefs, s.AsmRefs
	p.used, p.refs, p.roots = s.Used, s.Refs, s.Roots
	return true
}

// parseSkeleton parses the cached sources of p, for the type checker.
// The directives stay those of the cache: another load may be reading
// them.
func (prog *program) parseSkeleton(p *pkg) {
	for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
		path := filepath.Join(p.Dir, name)
		if f, err := parser.ParseFile(prog.tc.fset, path, p.skeleton[name], parser.SkipObjectResolution); err == nil {
			p.files = append(p.files, f)
		}
	}
}

// writeSkeleton stores p's skeleton, made from the sources just parsed,
// or (sources nil) a note that parse left p for later.
func (prog *program) writeSkeleton(p *pkg, cacheFile string, sources map[string][]byte) {
	s := skeleton{Later: sources == nil, Files: map[string]string{}, Directives: p.directives, Defs: p.defs, Bodyless: p.bodyless,
		AsmDefs: p.asmDefs, AsmRefs: p.asmRefs, Used: p.used, Refs: p.refs, Roots: p.roots, Undefined: p.undefined}
	for _, f := range p.files {
		name := filepath.Base(prog.tc.fset.File(f.Pos()).Name())
		s.Files[name] = blankBodies(prog.tc.fset, f, sources[name])
	}
	data, err := json.Marshal(s)
	if err != nil {
		return
	}
	// Written aside, then renamed: another linkcheck may be reading. The
	// writing goes on while the analysis runs; main waits for it.
	prog.tc.writing.Add(1)
	go func() {
		defer prog.tc.writing.Done()
		tmp := fmt.Sprintf("%s.%d.tmp", cacheFile, os.Getpid())
		if os.MkdirAll(filepath.Dir(cacheFile), 0o777) == nil && os.WriteFile(tmp, data, 0o666) == nil {
			os.Rename(tmp, cacheFile)
		}
	}()
}

// blankBodies returns src with the insides of function bodies and of
// the composite literals that dropTableContents empties cut down to their
// newlines, so that every declaration keeps its line.
func blankBodies(fset *token.FileSet, f *ast.File, src []byte) string {
	base := fset.File(f.Pos()).Base()
	var spans [][2]int // [start, end) offsets to blank
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Body != nil {
				spans = append(spans, [2]int{int(d.Body.Lbrace) - base + 1, int(d.Body.Rbrace) - base})
			}
		case *ast.GenDecl:
			for _, lit := range tables(d) {
				spans = append(spans, [2]int{int(lit.Lbrace) - base + 1, int(lit.Rbrace) - base})
			}
		}
	}
	var out strings.Builder
	at := 0
	for _, span := range spans {
		out.Write(src[at:span[0]])
		out.WriteString(strings.Repeat("\n", bytes.Count(src[span[0]:span[1]], []byte("\n"))))
		at = span[1]
	}
	out.Write(src[at:])
	return out.String()
}
