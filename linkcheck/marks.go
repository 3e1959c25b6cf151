package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"hash/fnv"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// linkcheck -marks V1 [V2] lists the standard-library symbols that code
// outside the standard library may pull on a Go version, and why, as
// that version's own source says: its //go:linkname marks and pushes,
// its assembly, and its linker's rules in
// cmd/link/internal/loader/loader.go. With two versions it prints what
// changes between them.

// Why the linker lets a pull of a standard-library symbol through, or
// refuses it despite a mark, is said with the reason codes of the
// findings: reasonStdMarked, reasonPushed, reasonAsmUnchecked,
// reasonAsmUnmarked, reasonBlocked, reasonLinknameStd, and
// reasonUnmarked on the side of a difference where the symbol is not
// listed.

// marksFormat is part of the cache key: bump it when marksReport or the
// way it is computed changes.
const marksFormat = 4

// A marksReport is what one Go version's source says, for one platform.
type marksReport struct {
	Format int    `json:"format"`
	Go     string `json:"go"`
	GOOS   string `json:"goos"`
	GOARCH string `json:"goarch"`
	Cgo    bool   `json:"cgo"`
	// Directive lines in the standard library's Go files for every
	// platform (not cmd/, testdata/, vendor/ or tests).
	OneArgLinknameLines int `json:"one_arg_linkname_lines"`
	LinknamestdLines    int `json:"linknamestd_lines"`
	// Whether this version's checkLinkname asks FromAssembly.
	AssemblyChecked bool `json:"assembly_checked"`
	// ABI0 assembly functions with no Go declaration: left out, as a Go
	// pull cannot reach them (the linker finds no ABIInternal symbol).
	UnreachableAssembly int          `json:"unreachable_assembly"`
	Symbols             []markSymbol `json:"symbols"`
}

// A markSymbol is one symbol and the linker's answer to a pull of it
// from outside the standard library.
type markSymbol struct {
	Symbol   string `json:"symbol"`
	Kind     string `json:"kind"` // func or var
	Pullable bool   `json:"pullable"`
	Reason   string `json:"reason"`
	// The package that defines the symbol (holds its body): a program
	// must link it in for the pull to resolve.
	Package string `json:"package,omitempty"`
	Where   string `json:"where"` // file:line under GOROOT/src
	Detail  string `json:"detail"`
	// Promised is "promised" when a comment over its marks asks not to
	// remove it or change its type signature, else "incidental";
	// PromisedFor are the modules the comments name, PromiseAt the
	// comment that asks (promise.go).
	Promised    string   `json:"promised"`
	PromisedFor []string `json:"promised_for"`
	PromiseAt   string   `json:"promise_at,omitempty"`
}

// runMarks prints the marks of one version, or the difference between
// two.
func runMarks(versions []string, asJSON bool, stdout io.Writer) error {
	if len(versions) < 1 || len(versions) > 2 {
		return usageError("usage: linkcheck -marks [-json] VERSION [VERSION]")
	}
	var reports []*marksReport
	for _, v := range versions {
		tc, err := newToolchain(v, os.Environ())
		if err != nil {
			return fmt.Errorf("%s: %w", v, err)
		}
		r, err := cachedMarks(tc)
		if err != nil {
			return fmt.Errorf("reading %s's source: %w", tc.version, err)
		}
		reports = append(reports, r)
	}
	var out any = reports[0]
	if len(reports) == 2 {
		out = diffMarks(reports[0], reports[1])
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return nil
	}
	if d, ok := out.(*marksDiff); ok {
		d.print(stdout)
	} else {
		reports[0].print(stdout)
	}
	return nil
}

// cachedMarks reads tc's marks from the user cache directory, or scans
// its source and caches the result. A cache entry that does not decode,
// or is for something else, is computed again.
func cachedMarks(tc *toolchain) (*marksReport, error) {
	ctxt, err := tc.buildContext()
	if err != nil {
		return nil, err
	}
	cgo := "nocgo"
	if ctxt.CgoEnabled {
		cgo = "cgo"
	}
	// The tool tags (GOEXPERIMENT, GOAMD64) choose files too.
	tags := fnv.New32a()
	tags.Write([]byte(strings.Join(ctxt.ToolTags, ",")))
	name := fmt.Sprintf("marks-v%d-%s-%s-%s-%s-%08x.json", marksFormat, tc.version, ctxt.GOOS, ctxt.GOARCH, cgo, tags.Sum32())
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\: `, r) {
			return '_'
		}
		return r
	}, name)
	dir, dirErr := cacheDir()
	file := filepath.Join(dir, name)
	if dirErr == nil {
		var cached marksReport
		data, err := os.ReadFile(file)
		if err == nil && json.Unmarshal(data, &cached) == nil && cached.Format == marksFormat &&
			cached.Go == tc.version && cached.GOOS == ctxt.GOOS && cached.GOARCH == ctxt.GOARCH &&
			cached.Cgo == ctxt.CgoEnabled && cached.Symbols != nil {
			return &cached, nil
		}
	}
	r, err := scanMarks(tc)
	if err != nil || dirErr != nil {
		return r, err
	}
	// Written to a temporary file and renamed, so that a reader never
	// sees half an entry; failing to cache is not an error.
	data, _ := json.Marshal(r)
	if os.MkdirAll(filepath.Dir(file), 0o777) == nil {
		if tmp, err := os.CreateTemp(filepath.Dir(file), name+".*"); err == nil {
			_, werr := tmp.Write(data)
			if cerr := tmp.Close(); werr == nil && cerr == nil {
				werr = os.Rename(tmp.Name(), file)
			}
			if werr != nil {
				os.Remove(tmp.Name())
			}
		}
	}
	return r, nil
}

// A markDirective is a //go:linkname or //go:linknamestd line of the
// standard library, and where it is.
type markDirective struct {
	directive
	target string // the linker's name for its local name
	where  string
	// promise: what the comments over the directive say.
	promise promise
}

// text is the directive as written, spaces normalized.
func (d *markDirective) text() string {
	verb := verbLinkname
	if d.StdOnly {
		verb = verbLinknameStd
	}
	return strings.TrimSpace(verb + " " + d.Local + " " + d.Target)
}

// A markDef is the definition of a symbol in the package that holds its
// body (the record the linker's rules read, in rules.go), with where it
// is and the directives of that package that name it.
type markDef struct {
	symbolDef
	// symKind is func or var.
	symbol, symKind, where string
	// unreachable: an ABI0 assembly function with no Go declaration in
	// its package gets no ABI wrapper, so a Go pull (an ABIInternal
	// reference) finds no definition.
	unreachable bool
	// mark and stdMark are the first //go:linkname and //go:linknamestd
	// in pkg that name the symbol; on an assembly function they sit on
	// its Go declaration.
	mark, stdMark *markDirective
	// promise: what the comments over its marks and declarations say.
	promise promise
}

// A scannedPackage is what one standard-library package contributes.
type scannedPackage struct {
	oneArg, std int // directive lines, every platform
	defs        []*markDef
	// declPromises: what the doc comments of the package's declarations
	// say of their own symbols (a push's target package may be the one
	// that asks to keep it).
	declPromises map[string]promise
}

// textLine matches an assembly function's symbol: TEXT ·name(SB),
// TEXT runtime·cmpstring<ABIInternal>(SB) or, with a division slash for
// each slash, TEXT internal∕bytealg·f(SB). Static symbols (name<>) are
// file-local and do not match.
var textLine = regexp.MustCompile(`^\s*TEXT\s+([\p{L}\p{N}_.∕]*)·([\p{L}\p{N}_]+)(?:<ABI\w+>)?\(SB\)`)

// scanMarks reads the marks of tc's standard library for its platform.
func scanMarks(tc *toolchain) (*marksReport, error) {
	ctxt, err := tc.buildContext()
	if err != nil {
		return nil, err
	}
	rules := tc.rules
	src := filepath.Join(tc.goroot, "src")
	var dirs []string
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != src {
			name := d.Name()
			if name == "testdata" || name == "vendor" || path == filepath.Join(src, "cmd") ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
		}
		if d.IsDir() {
			dirs = append(dirs, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The packages are independent: scan them side by side.
	scanned := make([]*scannedPackage, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				path, _ := filepath.Rel(src, dirs[i])
				scanned[i], errs[i] = scanPackage(ctxt, rules, dirs[i], filepath.ToSlash(path))
			}
		}()
	}
	for i := range dirs {
		next <- i
	}
	close(next)
	wg.Wait()

	r := &marksReport{
		Format: marksFormat, Go: tc.version,
		GOOS: ctxt.GOOS, GOARCH: ctxt.GOARCH, Cgo: ctxt.CgoEnabled,
		AssemblyChecked: rules.assemblyChecked,
		Symbols:         []markSymbol{},
	}
	defs := map[string]*markDef{}
	for i, s := range scanned {
		if errs[i] != nil {
			return nil, errs[i]
		}
		r.OneArgLinknameLines += s.oneArg
		r.LinknamestdLines += s.std
		for _, d := range s.defs {
			if old := defs[d.symbol]; old != nil {
				old.promise = old.promise.merge(d.promise)
				old.mark = cmp.Or(old.mark, d.mark)
				old.stdMark = cmp.Or(old.stdMark, d.stdMark)
				old.marked, old.stdOnly = old.mark != nil, old.stdMark != nil && old.mark == nil
				continue
			}
			defs[d.symbol] = d
		}
	}
	declPromises := map[string]promise{}
	for _, s := range scanned {
		for sym, p := range s.declPromises {
			declPromises[sym] = declPromises[sym].merge(p)
		}
	}
	symbols := slices.Collect(maps.Keys(defs))
	for sym := range rules.blocked {
		if defs[sym] == nil {
			symbols = append(symbols, sym)
		}
	}
	for _, sym := range symbols {
		d := defs[sym]
		var record []symbolDef
		s := markSymbol{Symbol: sym, Kind: "func"}
		if d != nil {
			if _, blocked := rules.blocked[sym]; d.unreachable && !blocked {
				r.UnreachableAssembly++
				continue
			}
			record = []symbolDef{d.symbolDef}
			s.Kind, s.Package = d.symKind, d.pkg
		}
		// A pull from a command, outside the standard library.
		v := rules.decide(reference{sym: sym, from: "main", fromSym: "main", variable: s.Kind == "var", targetStd: true}, record, ctxt.GOARCH)
		s.Pullable, s.Reason = v.links, v.reason
		switch v.reason {
		case reasonBlocked:
			s.Where = fmt.Sprintf("%s:%d", loaderGo, rules.blockedLine[sym])
			s.Detail = "blockedLinknames allows no package"
			if allowed := rules.blocked[sym]; len(allowed) > 0 {
				s.Detail = "blockedLinknames allows only " + strings.Join(allowed, ", ")
			}
		case reasonStdMarked, reasonPushed:
			s.Where, s.Detail = d.mark.where, d.mark.text()
			if d.kind == defAssembly && rules.assemblyChecked {
				s.Detail += " (over an assembly body: the linker checks the ABI wrapper the compiler makes from this declaration, which carries the mark)"
			}
		case reasonLinknameStd:
			s.Where, s.Detail = d.stdMark.where, d.stdMark.text()
		case reasonAsmUnchecked:
			// The assembler flags its symbols as linknamed.
			s.Where, s.Detail = d.where, tc.version+"'s linker does not check assembly functions"
			if rules.assemblyChecked {
				s.Detail = "no ABI wrappers on " + ctxt.GOARCH + ": the linker lets assembly functions through"
			}
		case reasonUnchecked:
			s.Where = cmp.Or(d.mark, d.stdMark).where
			s.Detail = tc.version + "'s linker checks a variable's pull against its block-list only"
		case reasonAsmUnmarked:
			s.Where = d.where
			s.Detail = "an assembly function with no mark on its Go declaration: " + tc.version + "'s linker checks assembly"
		default:
			return nil, fmt.Errorf("%s: no mark, push or assembly body gives %s (%s)", sym, v.reason, v.why)
		}
		var p promise
		if d != nil {
			p = d.promise
		}
		p = p.merge(declPromises[sym])
		s.Promised, s.PromisedFor, s.PromiseAt = p.word(), []string{}, p.where
		if p.kept {
			s.PromisedFor = append(s.PromisedFor, p.modules...)
		}
		r.Symbols = append(r.Symbols, s)
	}
	slices.SortFunc(r.Symbols, func(a, b markSymbol) int { return strings.Compare(a.Symbol, b.Symbol) })
	return r, nil
}

// scanPackage reads one package folder: the directive lines of all its
// Go files, and the definitions that the files built for ctxt's platform
// give a mark, push or assembly body.
func scanPackage(ctxt build.Context, rules *linkerRules, dir, path string) (*scannedPackage, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	sp := &scannedPackage{declPromises: map[string]promise{}}
	contents := map[string][]byte{}
	var goFiles, asmFiles []string
	for _, e := range entries {
		name := e.Name()
		isGo := strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
		if e.IsDir() || !isGo && !strings.HasSuffix(name, ".s") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		contents[filepath.Join(dir, name)] = data
		if isGo {
			oneArg, std := countDirectiveLines(data)
			sp.oneArg += oneArg
			sp.std += std
		}
	}
	// MatchFile reads the build constraints from what is already read.
	ctxt.OpenFile = func(name string) (io.ReadCloser, error) {
		if data, ok := contents[name]; ok {
			return io.NopCloser(bytes.NewReader(data)), nil
		}
		return nil, fs.ErrNotExist
	}
	ctxt.JoinPath = filepath.Join
	for _, e := range entries {
		name := e.Name()
		if _, ok := contents[filepath.Join(dir, name)]; !ok {
			continue
		}
		if match, err := ctxt.MatchFile(dir, name); err != nil || !match {
			continue
		}
		if strings.HasSuffix(name, ".s") {
			asmFiles = append(asmFiles, name)
		} else {
			goFiles = append(goFiles, name)
		}
	}
	hasDirective := slices.ContainsFunc(goFiles, func(name string) bool {
		return bytes.Contains(contents[filepath.Join(dir, name)], []byte("//go:linkname"))
	})
	if !hasDirective && len(asmFiles) == 0 {
		return sp, nil
	}

	// The package's top-level funcs (with or without a body) and vars,
	// and the linker names of the funcs and methods it gives a body.
	fset := token.NewFileSet()
	funcBody := map[string]bool{}
	varInit := map[string]bool{}
	defined := map[string]bool{}
	var directives []*markDirective
	for _, name := range goFiles {
		// Another version's syntax may be newer than this go/parser's
		// (generic methods in Go 1.27): the declarations it does read are
		// all that is needed.
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), contents[filepath.Join(dir, name)], parser.ParseComments|parser.SkipObjectResolution)
		if f == nil {
			return nil, err
		}
		if !ctxt.CgoEnabled && slices.ContainsFunc(f.Imports, func(s *ast.ImportSpec) bool { return s.Path.Value == `"C"` }) {
			continue
		}
		for _, d := range linkDecls(f) {
			switch {
			case d.variable:
				varInit[d.name] = d.defined
			case d.method:
				if d.defined {
					defined[path+"."+d.name] = true
				}
			default:
				funcBody[d.name] = d.defined
			}
		}
		byDirective, byDecl := filePromises(fset, f, path)
		for sym, p := range byDecl {
			sp.declPromises[sym] = sp.declPromises[sym].merge(p)
		}
		for _, d := range directivesIn(fset, f, contents[filepath.Join(dir, name)]) {
			if !d.valid(rules) {
				continue
			}
			d.File, d.Line = name, fset.Position(d.pos).Line
			directives = append(directives, &markDirective{directive: d, target: d.linkerName(path),
				where: fmt.Sprintf("%s/%s:%d", path, name, d.Line), promise: byDirective[d.pos]})
		}
	}
	for name, body := range funcBody {
		if body {
			defined[path+"."+name] = true
		}
	}
	linkerName := map[string]string{} // local name -> its symbol, where a directive renames it
	for _, d := range directives {
		linkerName[d.Local] = d.target
	}

	defs := map[string]*markDef{}
	define := func(sym, kind, where string, asm bool) *markDef {
		if defs[sym] == nil {
			def := symbolDef{pkg: path, standard: true, kind: defGo}
			switch {
			case asm:
				def.kind = defAssembly
			case symbolPath(sym) != path:
				def.kind = defPush
			}
			defs[sym] = &markDef{symbolDef: def, symbol: sym, symKind: kind, where: where}
			sp.defs = append(sp.defs, defs[sym])
		}
		return defs[sym]
	}
	for _, name := range asmFiles {
		sc := bufio.NewScanner(bytes.NewReader(contents[filepath.Join(dir, name)]))
		for line := 1; sc.Scan(); line++ {
			m := textLine.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			sym := strings.ReplaceAll(m[1], "∕", "/") + "." + m[2]
			if m[1] == "" {
				sym = path + "." + m[2]
			}
			d := define(sym, "func", fmt.Sprintf("%s/%s:%d", path, name, line), true)
			d.unreachable = !strings.Contains(sc.Text(), "<ABIInternal>")
		}
	}
	for _, d := range directives {
		if !strings.Contains(d.target, ".") || strings.HasPrefix(d.target, "go:") {
			continue // a C or linker-internal name, not a package's symbol
		}
		var def *markDef
		targetPkg := symbolPath(d.target)
		body, isFunc := funcBody[d.Local]
		init, isVar := varInit[d.Local]
		switch {
		case defs[d.target] != nil:
			// The Go declaration of an assembly function.
			def = defs[d.target]
		case isFunc && body:
			def = define(d.target, "func", d.where, false)
		case isVar && (init || targetPkg == path):
			def = define(d.target, "var", d.where, false)
		case isFunc && targetPkg == path && defined[d.target]:
			// A bodyless stand-in for a func or method of its own package
			// marks that func or method.
			def = define(d.target, "func", d.where, false)
		default:
			continue // a pull: the definition lies elsewhere
		}
		def.promise = def.promise.merge(d.promise)
		if d.StdOnly {
			def.stdMark = cmp.Or(def.stdMark, d)
		} else {
			def.mark = cmp.Or(def.mark, d)
		}
		def.marked, def.stdOnly = def.mark != nil, def.stdMark != nil && def.mark == nil
	}
	for local, body := range funcBody {
		if d := defs[cmp.Or(linkerName[local], path+"."+local)]; d != nil && d.kind == defAssembly && !body {
			d.unreachable = false
		}
	}
	// Keep only what a mark or an assembly body makes worth listing.
	sp.defs = slices.DeleteFunc(sp.defs, func(d *markDef) bool { return d.symbolDef.kind != defAssembly && d.mark == nil && d.stdMark == nil })
	return sp, nil
}

// countDirectiveLines counts the one-argument //go:linkname lines and
// the //go:linknamestd lines of a Go file, each alone on its line.
func countDirectiveLines(data []byte) (oneArg, std int) {
	if !bytes.Contains(data, []byte(verbLinkname)) {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		stdOnly, words, ok := parseDirective(strings.TrimLeft(line, " \t"))
		switch {
		case !ok:
		case stdOnly:
			std++
		case len(words) == 1:
			oneArg++
		}
	}
	return oneArg, std
}
