package main

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"go/version"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Compile errors in function bodies. The compiler type-checks every
// body; a program whose dependency does not compile on this port or Go
// (a constant that overflows an int on a 32-bit port, say) never
// reaches the linker. linkcheck type-checks the bodies of the packages
// outside the standard library, with this port's sizes and their
// module's language version, and reports the first error of each
// package, by position, as the compiler prints it. Their imports are
// type-checked as far as the bodies use them (see types.go); an error
// found so is confirmed against imports checked whole, so that a
// declaration the partial check left out never shows as an error.
//
// A package of the module cache, whose dependencies are all in the
// module cache or the standard library, cannot change: its verdict is
// kept in linkcheck's cache, under a key of the Go version, the port,
// and the package's and its dependencies' folders and files, and tied to
// the sum of its files.

// bodiesFormat changes whenever what a verdict holds changes.
const bodiesFormat = "linkcheck bodies 2"

// A bodyError is the first error the compiler reports in a package.
type bodyError struct {
	File      string
	Line, Col int
	Msg       string
}

// bodyErrors type-checks the bodies of the packages of report outside
// the standard library (but those with cgo files, which only cgo's
// output declares the C names of, and those already known not to
// compile), and returns the first error of each that does not compile.
func (a *analysis) bodyErrors(report []*pkg) map[*pkg]*bodyError {
	var checked []*pkg
	for _, p := range report {
		if !p.Standard && len(p.CgoFiles) == 0 && p.undefined == nil && p.Error == nil {
			checked = append(checked, p)
		}
	}
	// Reading the cached verdicts is mostly reading files: side by side.
	type cached struct {
		e  *bodyError
		ok bool
	}
	found := make([]cached, len(checked))
	sideBySide(checked, func(p *pkg) {
		e, ok := a.cachedVerdict(p)
		found[slices.Index(checked, p)] = cached{e, ok}
	})
	verdicts := map[*pkg]*bodyError{}
	var todo []*pkg
	for i, p := range checked {
		switch {
		case !found[i].ok:
			todo = append(todo, p)
		case found[i].e != nil:
			verdicts[p] = found[i].e
		}
	}
	if len(todo) == 0 {
		return verdicts
	}
	parsed := make([][]*ast.File, len(todo))
	sideBySide(todo, func(p *pkg) { parsed[slices.Index(todo, p)] = a.fullFiles(p) })
	files := map[*pkg][]*ast.File{}
	for i, p := range todo {
		files[p] = parsed[i]
	}
	partial := newTypeChecker(a.program, false)
	for _, p := range todo {
		a.demandOf(partial, p, files[p])
	}
	var whole *typeChecker
	for _, p := range todo {
		if files[p] == nil {
			continue // a file that cannot be read or parsed: go build says why
		}
		e := a.typeCheckBodies(partial, p, files[p])
		if e != nil {
			if whole == nil {
				whole = newTypeChecker(a.program, true)
			}
			e = a.typeCheckBodies(whole, p, files[p])
		}
		if e != nil {
			verdicts[p] = e
		}
		a.keepVerdict(p, e)
	}
	return verdicts
}

// fullFiles parses p's Go files with their bodies (a package read from
// the cache holds them blanked), or returns nil.
func (a *analysis) fullFiles(p *pkg) []*ast.File {
	var files []*ast.File
	for _, name := range p.GoFiles {
		path := filepath.Join(p.Dir, name)
		src := path
		if stand, ok := a.overlay[path]; ok {
			src = stand
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return nil
		}
		f, err := parser.ParseFile(a.tc.fset, path, data, parser.SkipObjectResolution)
		if err != nil {
			return nil
		}
		files = append(files, f)
	}
	return files
}

// demandOf asks tc for what p's files name in the packages they import.
func (a *analysis) demandOf(tc *typeChecker, p *pkg, files []*ast.File) {
	for _, f := range files {
		imported := map[string]*pkg{}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			q := a.byPath[path]
			switch {
			case q == nil:
			case imp.Name != nil && imp.Name.Name == ".":
				tc.needAll(path)
			case imp.Name != nil:
				imported[imp.Name.Name] = q
			default:
				imported[q.Name] = q
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && imported[x.Name] != nil {
					tc.need(imported[x.Name], sel.Sel.Name)
				}
			}
			return true
		})
	}
}

// typeCheckBodies type-checks p's files whole, its imports through tc, and
// returns the first error by position.
func (a *analysis) typeCheckBodies(tc *typeChecker, p *pkg, files []*ast.File) *bodyError {
	var errs []types.Error
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			if q := a.byPath[path]; q != nil {
				return tc.check(q), nil
			}
			return nil, errNotLoaded(path)
		}),
		Sizes: a.sizes,
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) {
				errs = append(errs, te)
			}
		},
	}
	// The language version, when this go/types knows it: a newer one,
	// in the module or a file's build constraint (under another Go),
	// would be an error of go/types, not of the compiler.
	if p.Module != nil && p.Module.GoVersion != "" && version.Compare("go"+p.Module.GoVersion, runtime.Version()) <= 0 {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	for _, f := range files {
		if version.Compare(f.GoVersion, runtime.Version()) > 0 {
			f.GoVersion = ""
		}
	}
	conf.Check(p.ImportPath, a.tc.fset, files, nil)
	if len(errs) == 0 {
		return nil
	}
	first := slices.MinFunc(errs, func(x, y types.Error) int { return cmp.Compare(x.Pos, y.Pos) })
	pos := a.tc.fset.Position(first.Pos)
	return &bodyError{File: filepath.Base(pos.Filename), Line: pos.Line, Col: pos.Column, Msg: first.Msg}
}

// verdictFile names the cache file of p's verdict, or "" when it is not
// kept: p, or a package it depends on, is outside the standard library
// and the module cache, or overlaid. The name sums up p's and each of its
// dependencies' folder and files (see placeSums).
func (a *analysis) verdictFile(p *pkg) string {
	a.uncachedOnce.Do(func() {
		a.uncached, a.placeSums = map[*pkg]bool{}, map[*pkg]string{}
		for _, q := range a.pkgs {
			a.uncached[q] = a.skeletonFile(q) == ""
			a.placeSums[q] = placeSum(q)
		}
	})
	if a.uncached[p] {
		return ""
	}
	parts := []string{bodiesFormat, runtime.Version(), a.tc.version, a.tc.goos, a.tc.goarch, strconv.FormatBool(a.tc.cgo)}
	for _, path := range append([]string{p.ImportPath}, p.Deps...) {
		q := a.byPath[path]
		if q == nil || !q.Standard && a.uncached[q] {
			return ""
		}
		parts = append(parts, a.placeSums[q])
	}
	return filepath.Join(a.tc.cacheDir, fmt.Sprintf("bodies-%x.json", sha256.Sum256([]byte(strings.Join(parts, "\n")))))
}

// placeSum is the SHA-256 of where p's files are: its import path, its
// folder and their names. A program's packages share their dependencies:
// each one's is taken once per run, not once for each that imports it.
func placeSum(p *pkg) string {
	place := strings.Join([]string{p.ImportPath, p.Dir, strings.Join(p.sourceFiles(), " ")}, "\n")
	return fmt.Sprintf("%x", sha256.Sum256([]byte(place)))
}

// A verdict is what a cache entry of bodies holds.
type verdict struct {
	Error *bodyError
}

// cachedVerdict returns p's kept verdict, if there is one that matches
// p's files.
func (a *analysis) cachedVerdict(p *pkg) (*bodyError, bool) {
	file := a.verdictFile(p)
	if file == "" {
		return nil, false
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, false
	}
	sum, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil, false
	}
	if sources := p.sourceSum(); sources == "" || string(sum) != entrySum(sources, body) {
		return nil, false
	}
	var v verdict
	if json.Unmarshal(body, &v) != nil {
		return nil, false
	}
	return v.Error, true
}

// keepVerdict stores p's verdict, when it is kept.
func (a *analysis) keepVerdict(p *pkg, e *bodyError) {
	file := a.verdictFile(p)
	if file == "" {
		return
	}
	body, err := json.Marshal(verdict{e})
	if err != nil {
		return
	}
	writeEntry(file, p.sourceSum(), "", body)
}
