package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The slides draw each example's diagram from its sources: the
// //go:linkname directives of the program and of the workspace packages it
// imports, read with go/parser, become rows of boxes and arrows in an
// inline SVG. Nothing is drawn by hand, so a directive moved in the code
// moves in the picture.

// A link is one //go:linkname directive, as the diagram shows it.
type link struct {
	pkg      string // the package of the declaration, by folder: pull, bar
	local    string // the declaration the directive is on
	target   string // the symbol it names ("" for the one-argument form)
	hasBody  bool   // the declaration has a body (or is a variable with a value)
	variable bool
}

// kind says which form a directive takes: a push gives a body away, a
// mark opens one to pulls, a pull takes one.
func (l link) kind() string {
	switch {
	case l.target == "":
		return "mark"
	case l.hasBody:
		return "push"
	}
	return "pull"
}

// programLinks returns the directives of the example's program: those of
// its main package and of every workspace package it imports, in import
// order. A push into a package the program does not hold, and a mark that
// nothing in the program pulls, are left out: they do nothing here.
func programLinks(exampleName string) ([]link, []string, error) {
	modules := map[string]string{} // import path -> folder
	for _, dir := range []string{"bar", "foo", exampleName} {
		p, err := modulePath(dir)
		if err != nil {
			return nil, nil, err
		}
		modules[p] = dir
	}
	var links []link
	var pkgs []string
	for queue := []string{exampleName}; len(queue) > 0; queue = queue[1:] {
		dir := queue[0]
		if slices.Contains(pkgs, dir) {
			continue
		}
		pkgs = append(pkgs, dir)
		found, imports, err := packageLinks(dir)
		if err != nil {
			return nil, nil, err
		}
		links = append(links, found...)
		for _, imp := range imports {
			if d, ok := modules[imp]; ok {
				queue = append(queue, d)
			}
		}
	}
	pathOf := map[string]string{}
	for p, d := range modules {
		pathOf[d] = p
	}
	pulled := func(l link) bool {
		return slices.ContainsFunc(links, func(o link) bool { return o.kind() == "pull" && o.target == pathOf[l.pkg]+"."+l.local })
	}
	var kept []link
	for _, l := range links {
		if l.kind() == "mark" && !pulled(l) {
			continue // a mark nobody in this program pulls
		}
		if l.kind() == "push" {
			targetPkg, _ := splitSymbol(l.target)
			if d, ok := modules[strings.TrimSuffix(targetPkg, ".")]; !ok || !slices.Contains(pkgs, d) {
				continue
			}
		}
		kept = append(kept, l)
	}
	return kept, pkgs, nil
}

// packageLinks parses the Go files of one folder (tests left out) and
// returns its directives and its imports.
func packageLinks(dir string) ([]link, []string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	var links []link
	var imports []string
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
		if err != nil {
			return nil, nil, err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			imports = append(imports, p)
		}
		for _, decl := range f.Decls {
			var doc *ast.CommentGroup
			var name string
			body, variable := false, false
			switch d := decl.(type) {
			case *ast.FuncDecl:
				doc, name, body = d.Doc, d.Name.Name, d.Body != nil
			case *ast.GenDecl:
				if d.Tok != token.VAR || len(d.Specs) != 1 {
					continue
				}
				spec := d.Specs[0].(*ast.ValueSpec)
				doc, name, variable, body = d.Doc, spec.Names[0].Name, true, len(spec.Values) > 0
			}
			if doc == nil {
				continue
			}
			for _, c := range doc.List {
				fields := strings.Fields(strings.TrimPrefix(c.Text, "//go:linkname "))
				if !strings.HasPrefix(c.Text, "//go:linkname ") || len(fields) == 0 || fields[0] != name {
					continue
				}
				l := link{pkg: dir, local: name, hasBody: body, variable: variable}
				if len(fields) > 1 {
					l.target = fields[1]
				}
				links = append(links, l)
			}
		}
	}
	return links, imports, nil
}

// shortSymbol drops the module's prefix: example.com/linkname/bar.add
// becomes bar.add; fmt.tooLarge stays as it is.
func shortSymbol(symbol string) string {
	return path.Base(symbol)
}

// diagramSVG draws the example's directives, one row each: the
// declaration that carries the directive on the left, the symbol it names
// on the right, and an arrow between them that says which way the body
// goes. A standard-library target is drawn with the linker's check.
func diagramSVG(e example) (string, error) {
	links, pkgs, err := programLinks(e.name)
	if err != nil {
		return "", err
	}
	const (
		rowHeight = 110
		boxWidth  = 380
		boxHeight = 70
		left      = 20
		right     = 640
		width     = right + boxWidth + 20
	)
	height := 60 + rowHeight*len(links)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="diagram" role="img" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, width, height)
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString("the directives of "+e.name+": "+strings.Join(pkgs, ", ")))
	b.WriteString(`<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>`)
	fmt.Fprintf(&b, `<text x="%d" y="30" class="head">declaration with the directive</text><text x="%d" y="30" class="head">the symbol it names</text>`, left, right)
	box := func(x, y int, class, line1, line2 string) {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="10" class="%s"/>`, x, y, boxWidth, boxHeight, class)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="sym">%s</text>`, x+14, y+30, html.EscapeString(line1))
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="note">%s</text>`, x+14, y+56, html.EscapeString(line2))
	}
	for i, l := range links {
		y := 50 + i*rowHeight
		local := l.pkg + "." + l.local
		if l.pkg == e.name {
			local = "main." + l.local
		}
		what := "no body"
		if l.hasBody {
			what = "has the body"
		}
		if l.variable {
			what = "variable"
		}
		switch l.kind() {
		case "mark":
			box(left, y, "mark", local, what+"; //go:linkname "+l.local)
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="label">marked: others may pull it</text>`, left+boxWidth+20, y+42)
			continue
		case "push":
			box(left, y, "body", local, what)
		default:
			box(left, y, "pull", local, what)
		}
		target := shortSymbol(l.target)
		targetPkg, _ := splitSymbol(l.target)
		std := !strings.Contains(targetPkg, ".") && !strings.Contains(targetPkg, "/linkname/")
		class, note := "body", "has the body"
		switch {
		case l.kind() == "push":
			class, note = "pull", "gets the body pushed in"
		case std && e.ldflags != "":
			class, note = "refused", "standard library: "+e.plainFailure[strings.LastIndex(e.plainFailure, ": ")+2:]
		case std:
			note = "standard library, marked"
		}
		box(right, y, class, target, note)
		label := "pulls the body from"
		if l.kind() == "push" {
			label = "pushes its body into"
		}
		x1, x2, ym := left+boxWidth, right, y+boxHeight/2
		if l.kind() == "push" {
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="arrow" marker-end="url(#head)"/>`, x1+4, ym, x2-4, ym)
		} else {
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="arrow" marker-start="url(#head)"/>`, x1+4, ym, x2-4, ym)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="label">%s</text>`, x1+14, ym-12, label)
	}
	b.WriteString(`</svg>`)
	return b.String(), nil
}
