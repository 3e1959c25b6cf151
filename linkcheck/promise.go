package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Whether the standard library promises to keep a mark is read from the
// comments of its source, in the shapes Go's source gives them:
//
//   - the comment that holds the directive, or the doc comment of the
//     declaration a directive or the symbol's own package puts on it,
//     "... Notable members of the hall of shame include: - module ...
//     Do not remove or change the type signature. See go.dev/issue/67401.";
//   - a comment standing alone in a file, above the directives it speaks
//     for ("Widely used packages access these symbols using linkname,
//     most notably: - module ... Do not remove or change the type
//     signature."), which holds for every directive below it.
//
// A mark is promised when one of these asks not to remove it or change
// its type signature; the modules it names are those listed under "hall
// of shame" or "most notably". Any other mark is incidental: the linker
// lets the pull through today, and nothing in the source asks a later Go
// to keep it.

// The two words a finding and -marks use.
const (
	promised   = "promised"
	incidental = "incidental"
)

// A promise is what the comments over a symbol's marks say of it.
type promise struct {
	kept    bool     // a comment asks not to remove it or change its type signature
	modules []string // the modules the comments name, sorted
	where   string   // the first comment that asks, file:line under GOROOT/src
}

// word says promised or incidental.
func (p promise) word() string {
	if p.kept {
		return promised
	}
	return incidental
}

// merge adds what another comment says.
func (p promise) merge(q promise) promise {
	if !p.kept && q.kept {
		p.kept, p.where = true, q.where
	}
	p.modules = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(p.modules), q.modules...))))
	return p
}

// keepRequest matches the request not to remove or change a symbol:
// "Do not remove or change the type signature." and "Do not remove these
// routines or their linknames, or change the type signature ...".
var keepRequest = regexp.MustCompile(`(?i)\bdo not remove\b[^.]*\bchange the type signature`)

// listHeading introduces the list of modules that pull the symbol.
var listHeading = regexp.MustCompile(`(?i)hall of shame|most notably`)

// listItem is one line of that list: "  - github.com/x/y (from assembly)".
var listItem = regexp.MustCompile(`^\s*-\s+(\S+)`)

// modulePath is what a module path looks like: a first element with a
// dot, then any elements.
var modulePath = regexp.MustCompile(`^[a-z0-9][-a-z0-9]*(\.[-a-z0-9]+)+(/[-A-Za-z0-9_.~]+)*$`)

// readComment reads one comment group: whether it asks to keep what it
// speaks for, and the modules it lists, sorted.
func readComment(cg *ast.CommentGroup) (asks bool, modules []string) {
	var lines []string
	for _, c := range cg.List {
		for _, line := range strings.Split(c.Text, "\n") {
			line = strings.TrimPrefix(strings.TrimPrefix(line, "//"), "/*")
			lines = append(lines, strings.TrimSuffix(line, "*/"))
		}
	}
	asks = keepRequest.MatchString(strings.Join(strings.Fields(strings.Join(lines, " ")), " "))
	for i := 0; i < len(lines); i++ {
		if !listHeading.MatchString(lines[i]) || !strings.HasSuffix(strings.TrimSpace(lines[i]), ":") {
			continue
		}
		for i+1 < len(lines) {
			m := listItem.FindStringSubmatch(lines[i+1])
			if m == nil {
				break
			}
			if path := strings.TrimRight(m[1], ",.;:"); modulePath.MatchString(path) {
				modules = append(modules, path)
			}
			i++
		}
	}
	slices.Sort(modules)
	return asks, slices.Compact(modules)
}

// filePromises reads one file of a standard-library package whose symbols
// are named symPath: the promise each directive carries (by its
// position), and the promise the doc comment of each declaration puts on
// the declaration's own symbol.
func filePromises(fset *token.FileSet, f *ast.File, symPath string) (byDirective map[token.Pos]promise, byDecl map[string]promise) {
	read := func(cg *ast.CommentGroup) promise {
		asks, modules := readComment(cg)
		p := promise{kept: asks, modules: modules}
		if asks {
			pos := fset.Position(cg.Pos())
			p.where = fmt.Sprintf("%s/%s:%d", symPath, filepath.Base(pos.Filename), pos.Line)
		}
		return p
	}
	byDirective, byDecl = map[token.Pos]promise{}, map[string]promise{}
	docs := map[*ast.CommentGroup]bool{}
	localDoc := map[string]*ast.CommentGroup{} // a declaration's name -> its doc
	declare := func(name string, doc *ast.CommentGroup) {
		if doc == nil {
			return
		}
		docs[doc], localDoc[name] = true, doc
		if p := read(doc); p.kept || len(p.modules) > 0 {
			byDecl[symPath+"."+name] = byDecl[symPath+"."+name].merge(p)
		}
	}
	for _, d := range linkDecls(f) {
		declare(d.name, d.doc)
	}
	inDecl := func(pos token.Pos) bool {
		return slices.ContainsFunc(f.Decls, func(d ast.Decl) bool { return d.Pos() <= pos && pos < d.End() })
	}
	// The comments standing alone that ask to keep what follows them.
	var headers []*ast.CommentGroup
	var withDirective []*ast.CommentGroup
	for _, cg := range f.Comments {
		hasDirective := slices.ContainsFunc(cg.List, func(c *ast.Comment) bool { _, _, ok := parseDirective(c.Text); return ok })
		switch {
		case hasDirective:
			withDirective = append(withDirective, cg)
		case !docs[cg] && !inDecl(cg.Pos()):
			if asks, _ := readComment(cg); asks {
				headers = append(headers, cg)
			}
		}
	}
	for _, cg := range withDirective {
		own := read(cg)
		for _, c := range cg.List {
			_, words, ok := parseDirective(c.Text)
			if !ok || len(words) == 0 {
				continue
			}
			p := own
			if doc := localDoc[words[0]]; doc != nil && doc != cg {
				p = p.merge(read(doc))
			}
			for _, h := range headers {
				if h.End() < c.Pos() {
					p = p.merge(read(h))
				}
			}
			byDirective[c.Pos()] = p
		}
	}
	return byDirective, byDecl
}

// marksMemo holds each toolchain's marks for the life of the process.
var marksMemo sync.Map // *toolchain -> *memoMarks

type memoMarks struct {
	once   sync.Once
	report *marksReport
	err    error
}

// marks returns tc's marks, read once per process (cachedMarks keeps
// them across processes).
func (tc *toolchain) marks() (*marksReport, error) {
	v, _ := marksMemo.LoadOrStore(tc, &memoMarks{})
	m := v.(*memoMarks)
	m.once.Do(func() { m.report, m.err = cachedMarks(tc) })
	return m.report, m.err
}

// notePromises says, on each pull of a standard-library symbol that code
// outside the standard library makes (a directive or an assembly
// reference), whether this Go promises to keep the symbol's mark, as
// -marks says it.
func (a *analysis) notePromises(findings []finding) {
	var r *marksReport
	var bySymbol map[string]*markSymbol
	for i := range findings {
		fd := &findings[i]
		isPull := fd.Mode == modePull || fd.Mode == modeHandshake || fd.Local == asmReference
		// not_std: defined outside the standard library, whatever its
		// name says; no mark of the standard library is at stake.
		if fd.Target == "" || !isPull || fd.Link == linkExcluded || fd.pkg == nil || fd.pkg.Standard || fd.Reason == reasonNotStd {
			continue
		}
		if r == nil {
			var err error
			if r, err = a.tc.marks(); err != nil {
				fd.Warnings = append(fd.Warnings, "cannot say whether "+a.tc.version+" promises to keep this mark: "+err.Error())
				return
			}
			bySymbol = map[string]*markSymbol{}
			for j := range r.Symbols {
				bySymbol[r.Symbols[j].Symbol] = &r.Symbols[j]
			}
		}
		s := bySymbol[fd.Target]
		if tp := a.byPath[symbolPath(fd.Target)]; s == nil && (tp == nil || !tp.Standard) {
			continue // not a standard-library symbol
		}
		fd.Promised = incidental
		if s != nil && s.Promised == promised {
			fd.Promised, fd.PromisedFor, fd.PromiseAt = promised, s.PromisedFor, s.PromiseAt
		}
	}
}

// promiseLine says a pull's promise in one line.
func (f finding) promiseLine() string {
	switch {
	case f.Promised == "":
		return ""
	case f.Promised != promised:
		return "      incidental: nothing in this Go's source promises to keep it\n"
	case len(f.PromisedFor) == 0:
		return "      promised (" + f.PromiseAt + ")\n"
	}
	return "      promised (" + f.PromiseAt + ") for " + strings.Join(f.PromisedFor, ", ") + "\n"
}

// countIncidental counts the incidental pulls among the findings.
func countIncidental(fs []finding) int {
	n := 0
	for _, f := range fs {
		if f.Promised == incidental {
			n++
		}
	}
	return n
}
