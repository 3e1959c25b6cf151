package main

import (
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"example.com/linkname/workshop/runner"
)

// Copying out: one example becomes a module of its own, in a folder and
// under a module path the user picks. Its main package goes to the root of
// the new module; every workspace package it imports (bar, and foo for
// push) becomes a subpackage. A //go:linkname directive names a symbol by
// its package's import path, so the directives must move with the
// packages: a directive still naming example.com/linkname/bar.add after
// bar has moved compiles, then fails to link with "relocation target ...
// not defined".

const copyOutUsage = "usage: make copy-out MODE=pull DIR=/tmp/demo MODULE=example.com/me/demo"

// copyOutMissing says which of make copy-out's three settings are
// missing, as the first words of its usage message, or "" when none is.
func copyOutMissing(mode, dir, module string) string {
	var missing []string
	for _, s := range []struct{ name, value string }{{"MODE", mode}, {"DIR", dir}, {"MODULE", module}} {
		if s.value == "" {
			missing = append(missing, s.name)
		}
	}
	switch len(missing) {
	case 0:
		return ""
	case 1:
		return "make copy-out: " + missing[0] + " is missing (MODE: one of " + strings.Join(exampleNames(), ", ") + ")\n"
	}
	return "make copy-out: " + strings.Join(missing[:len(missing)-1], ", ") + " and " + missing[len(missing)-1] + " are missing (MODE: one of " + strings.Join(exampleNames(), ", ") + ")\n"
}

// copyOutCommand is `workshop copy-out -mode M -dir D -module P`.
func copyOutCommand(args []string) error {
	flags := flag.NewFlagSet("copy-out", flag.ContinueOnError)
	mode := flags.String("mode", "", "the example to copy: one of "+strings.Join(exampleNames(), ", "))
	dir := flags.String("dir", "", "the folder to write the module into (new or empty, outside this workspace)")
	module := flags.String("module", "", "the new module's path, such as example.com/me/demo")
	if err := flags.Parse(args); err != nil {
		return parseError(err)
	}
	if missing := copyOutMissing(*mode, *dir, *module); missing != "" || flags.NArg() > 0 {
		return errors.New(missing + copyOutUsage)
	}
	e, ok := exampleNamed(*mode)
	if !ok {
		return fmt.Errorf("no example %q to copy (have: %s)", *mode, strings.Join(exampleNames(), ", "))
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	target, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	// Inside the workspace, the go command would find go.work first, and
	// the copy would build only with GOWORK=off. A symbolic link may lead
	// there from elsewhere: compare the folders the links lead to.
	if rel, err := filepath.Rel(withoutLinks(root), withoutLinks(target)); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s is inside this workspace; pick a folder outside it, such as ../demo", *dir)
	}
	if err := checkModulePath(*module); err != nil {
		return err
	}
	if entries, err := os.ReadDir(target); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty; copy-out writes only into a new or empty folder", *dir)
	}
	files, err := copyOut(root, e.name, target, *module)
	if err != nil {
		return err
	}
	fmt.Printf("wrote module %s into %s:\n", *module, *dir)
	for _, f := range files {
		fmt.Printf("    %s\n", f)
	}
	run := "go run ."
	if e.ldflags != "" {
		run = "go run -ldflags=" + e.ldflags + " ."
	}
	fmt.Printf("run it:\n    cd %s && %s\n", shellQuote(*dir), run)
	return nil
}

// withoutLinks is path with the symbolic links of its longest existing
// part resolved; the rest, not created yet, is kept as it is.
func withoutLinks(path string) string {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		return resolved
	}
	parent := filepath.Dir(path)
	if parent == path {
		return path
	}
	return filepath.Join(withoutLinks(parent), filepath.Base(path))
}

// shellQuote quotes a path for a shell when it holds anything but letters,
// digits and . _ - / (a space, say).
func shellQuote(path string) string {
	if strings.Trim(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") == "" {
		return path
	}
	return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
}

// checkModulePath asks the go command whether path can name a module, the
// way go mod init would.
func checkModulePath(module string) error {
	tmp, err := os.MkdirTemp("", "copy-out-check")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if out, err := goIn(tmp, "mod", "init", module); err != nil {
		return fmt.Errorf("%q cannot name a module: %s", module, strings.TrimSpace(string(out)))
	}
	return nil
}

// copyOut writes example's module into dir under the module path module,
// with the workspace packages it imports as subpackages, and returns the
// files written, relative to dir. A module path that would shadow the
// standard library is refused before anything is written.
func copyOut(root, example, dir, module string) ([]string, error) {
	modules, err := workspaceModules(localTools("", "bin", nil))
	if err != nil {
		return nil, err
	}
	mainPath := modulePathOf(modules, example)
	// Every workspace package gets a path in the new module: the example's
	// main package is its root, any other keeps its folder name. Only the
	// ones the example imports are copied, but a directive naming any of
	// them moves with the rest.
	newPath := func(pkg string) (string, bool) {
		if pkg == mainPath {
			return module, true
		}
		if dir := packageDir(modules, pkg); dir != "" {
			return module + "/" + dir, true
		}
		return "", false
	}
	// First what to copy: the main package and every workspace package it
	// imports, directly or not.
	type copiedPackage struct {
		path, srcDir string
		names        []string
	}
	var packages []copiedPackage
	copied := map[string]bool{mainPath: true}
	for queue := []string{mainPath}; len(queue) > 0; queue = queue[1:] {
		pkg := queue[0]
		srcDir := filepath.Join(root, filepath.FromSlash(packageDir(modules, pkg)))
		names, imports, err := packageFiles(srcDir, pkg == mainPath)
		if err != nil {
			return nil, err
		}
		for _, imp := range imports {
			if _, inWorkspace := newPath(imp); inWorkspace && !copied[imp] {
				copied[imp] = true
				queue = append(queue, imp)
			}
		}
		packages = append(packages, copiedPackage{pkg, srcDir, names})
	}
	var newPaths []string
	for _, p := range packages {
		to, _ := newPath(p.path)
		newPaths = append(newPaths, to)
	}
	if err := checkNotStandard(module, newPaths); err != nil {
		return nil, err
	}
	// A directive that names a workspace package left out of the copy,
	// such as bar's push into foo.Div in a copy without foo, goes with the
	// declaration it is on.
	leftOut := func(pkg string) bool {
		_, inWorkspace := newPath(pkg)
		return inWorkspace && !copied[pkg]
	}
	var written []string
	for i, p := range packages {
		dstDir := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(newPaths[i], module), "/")))
		if err := os.MkdirAll(dstDir, 0o777); err != nil {
			return nil, err
		}
		for _, name := range p.names {
			src, err := os.ReadFile(filepath.Join(p.srcDir, name))
			if err != nil {
				return nil, err
			}
			if strings.HasSuffix(name, ".go") {
				if src, err = relocate(name, src, newPath, leftOut); err != nil {
					return nil, err
				}
			}
			if err := os.WriteFile(filepath.Join(dstDir, name), src, 0o666); err != nil {
				return nil, err
			}
			rel, _ := filepath.Rel(dir, filepath.Join(dstDir, name))
			written = append(written, filepath.ToSlash(rel))
		}
	}
	goLine, err := goDirective(filepath.Join(root, example, "go.mod"))
	if err != nil {
		return nil, err
	}
	// No require lines: everything the copy imports is now inside it or in
	// the standard library.
	gomod := "module " + module + "\n\ngo " + goLine + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666); err != nil {
		return nil, err
	}
	written = append(written, "go.mod")
	sort.Strings(written)
	return written, nil
}

// checkNotStandard refuses a module whose packages would have the import
// path of a standard-library package: an import of it would find the
// standard library's package, never the copy's. Only a path whose first
// element has no dot can be one, so only then is the go command asked.
func checkNotStandard(module string, paths []string) error {
	first, _, _ := strings.Cut(module, "/")
	if strings.Contains(first, ".") {
		return nil
	}
	out, err := runner.Proc{Dir: os.TempDir(), Env: outsideWorkspace()}.Output("go", "list", "std")
	if err != nil {
		return err
	}
	std := strings.Fields(string(out))
	for _, p := range paths {
		if slices.Contains(std, p) {
			return fmt.Errorf("MODULE %s would put a package at %s, the path of a standard-library package: "+
				"its imports would reach the standard library's %s, not the copy. "+
				"Pick a path whose first element has a dot, such as example.com/me/demo; nothing was written", module, p, p)
		}
	}
	return nil
}

func modulePathOf(mods []module, dir string) string {
	for _, m := range mods {
		if strings.TrimPrefix(m.dir, "./") == dir {
			return m.path
		}
	}
	return ""
}

// packageDir returns the folder, relative to the workspace root, of the
// package with import path pkg, or "" when no workspace module holds it.
func packageDir(mods []module, pkg string) string {
	for _, m := range mods {
		dir := strings.TrimPrefix(m.dir, "./")
		if pkg == m.path {
			return dir
		}
		if rest, ok := strings.CutPrefix(pkg, m.path+"/"); ok {
			return dir + "/" + rest
		}
	}
	return ""
}

// packageFiles lists the files of the package in dir that a copy needs:
// its Go and assembly files, and for the main package its example test,
// which holds the expected output. It also returns what they import.
func packageFiles(dir string, isMain bool) (names, imports []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, entry := range entries {
		name := entry.Name()
		switch {
		case entry.IsDir():
			continue
		case strings.HasSuffix(name, "_test.go") && !(isMain && name == "main_test.go"):
			continue
		case strings.HasSuffix(name, ".s"):
			names = append(names, name)
		case strings.HasSuffix(name, ".go"):
			names = append(names, name)
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.ImportsOnly)
			if err != nil {
				return nil, nil, err
			}
			for _, spec := range f.Imports {
				imp, _ := strconv.Unquote(spec.Path.Value)
				if !slices.Contains(imports, imp) {
					imports = append(imports, imp)
				}
			}
		}
	}
	return names, imports, nil
}

// relocate rewrites one Go file for packages that changed import path
// (newPath gives a package's new path, if it moved): its import paths, and
// the package path inside each //go:linkname target symbol. A target in a
// package that did not move, such as fmt.tooLarge, is left as it is, and so
// is every other comment, even one that quotes a moved path. A declaration
// whose directive names a package that leftOut says is not copied is
// dropped, with its doc comment.
func relocate(name string, src []byte, newPath func(string) (string, bool), leftOut func(string) bool) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	offset := func(p token.Pos) int { return fset.Position(p).Offset }
	for _, decl := range f.Decls {
		var doc *ast.CommentGroup
		switch d := decl.(type) {
		case *ast.FuncDecl:
			doc = d.Doc
		case *ast.GenDecl:
			doc = d.Doc
		}
		if doc == nil {
			continue
		}
		for _, c := range doc.List {
			if target, _, ok := linknameTarget(c.Text); ok {
				if pkg, _ := splitSymbol(target); leftOut(pkg) {
					edits = append(edits, edit{offset(doc.Pos()), offset(decl.End()), ""})
					break
				}
			}
		}
	}
	dropped := slices.Clone(edits)
	inDropped := func(at int) bool {
		return slices.ContainsFunc(dropped, func(e edit) bool { return e.start <= at && at < e.end })
	}
	for _, spec := range f.Imports {
		imp, _ := strconv.Unquote(spec.Path.Value)
		if to, ok := newPath(imp); ok {
			edits = append(edits, edit{offset(spec.Path.Pos()), offset(spec.Path.End()), strconv.Quote(to)})
		}
	}
	for _, group := range f.Comments {
		for _, c := range group.List {
			target, start, ok := linknameTarget(c.Text)
			if !ok || inDropped(offset(c.Pos())) {
				continue
			}
			pkg, symbol := splitSymbol(target)
			if to, ok := newPath(pkg); ok {
				at := offset(c.Pos()) + start
				edits = append(edits, edit{at, at + len(target), to + "." + symbol})
			}
		}
	}
	slices.SortFunc(edits, func(a, b edit) int { return b.start - a.start })
	out := slices.Clone(src)
	for _, e := range edits {
		out = slices.Concat(out[:e.start], []byte(e.text), out[e.end:])
	}
	// A longer import path can change how gofmt aligns the comments beside
	// an import block, and a dropped declaration leaves blank lines.
	formatted, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("%s after moving packages: %v", name, err)
	}
	return formatted, nil
}

// linknameTarget returns the second argument of a two-argument
// //go:linkname comment, and its byte offset in the comment.
func linknameTarget(comment string) (target string, offset int, ok bool) {
	rest, found := strings.CutPrefix(comment, "//go:linkname ")
	if !found {
		return "", 0, false
	}
	fields := strings.Fields(rest)
	if len(fields) != 2 {
		return "", 0, false
	}
	target = fields[1]
	return target, strings.LastIndex(comment, target), true
}

// splitSymbol splits a linker symbol such as example.com/m/bar.(*T).add
// into its package path and the rest: the package path ends at the first
// dot after the last slash.
func splitSymbol(symbol string) (pkg, name string) {
	slash := strings.LastIndex(symbol, "/")
	dot := strings.Index(symbol[slash+1:], ".")
	if dot < 0 {
		return "", symbol
	}
	return symbol[:slash+1+dot], symbol[slash+1+dot+1:]
}

// goDirective returns the version on the go line of a go.mod file.
func goDirective(gomod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", errors.New(gomod + " has no go line")
}

// goIn runs the go command in dir, outside any workspace and with no
// module proxy, and returns what it printed, stdout and stderr together.
func goIn(dir string, args ...string) ([]byte, error) {
	return runner.Proc{Dir: dir, Env: outsideWorkspace()}.Combined("go", args...)
}

// outsideWorkspace is this process's environment for a go command that
// must see neither the workspace nor the module proxy.
func outsideWorkspace() []string {
	return append(os.Environ(), "GOWORK=off", "GOPROXY=off")
}
