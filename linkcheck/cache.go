package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The skeleton cache. The packages of the standard library and of the
// module cache never change for one Go version, so linkcheck keeps what it
// reads of each, in os.UserCacheDir()/linkcheck, as the go command keeps
// its build cache: its Go files with function bodies and table contents
// blanked out (line numbers kept), for the type checker; its directives,
// definitions and assembly symbols; and what its function bodies name,
// for reach. Reading a skeleton is several times faster than the files.

// skeletonFormat changes whenever what a skeleton holds changes.
const skeletonFormat = "linkcheck skeleton 19"

type skeleton struct {
	Later bool // nothing read: see parse
	// Files maps a file's name to its blanked source: the entry holds
	// them after the JSON, as they are (see encodeSkeleton).
	Files      map[string]string `json:"-"`
	FileSizes  []fileSize
	Directives []directive
	Defs       []string
	Bodyless   bool
	AsmDefs    []asmSymbol
	AsmRefs    []asmSymbol
	Used       map[string]bool
	// Refs and Roots follow the JSON as lines of names (see encodeRefs),
	// in RefsSize bytes: they are most of a skeleton's names.
	Refs      map[string][]string `json:"-"`
	Roots     []string            `json:"-"`
	RefsSize  int
	Undefined *undefinedName
}

// A fileSize is the length of one blanked source in an entry.
type fileSize struct {
	Name string
	Size int
}

// A cache entry is a line holding its sum, then the skeleton: a line of
// JSON, then the blanked sources one after the other, which decoding
// JSON strings would make several times slower to read.
// The sum ties the skeleton to what it was made from: the SHA-256 of the
// package's files as read (Go, cgo and assembly), then of the skeleton's
// own bytes. An entry whose files changed, or that was edited, even into
// other valid JSON, no longer matches, and is made again.
// The line also holds the files' sum and their stamp (see stamp): while
// the files look as they did, their sum is taken from the line instead of
// being read again, as the go command trusts its module index. Once they
// look otherwise, they are read and summed.

// skeletonFile names the cache file for p, or "" when p is not cached:
// outside the standard library and the module cache, or overlaid.
func (prog *program) skeletonFile(p *pkg) string {
	tc := prog.tc
	if tc.cacheDir == "" || !p.Standard && (tc.modCache == "" || !strings.HasPrefix(p.Dir, tc.modCache+string(filepath.Separator))) {
		return ""
	}
	for _, name := range p.sourceFiles() {
		if _, ok := prog.overlay[filepath.Join(p.Dir, name)]; ok {
			return ""
		}
	}
	return filepath.Join(tc.cacheDir, cacheKey(tc, p)+".json")
}

// cacheKey names p's entry: by what linkcheck reads it with (its format,
// and the Go that built linkcheck, whose go/parser reads the files), the
// Go version whose sources and build constraints it comes from, the
// platform and cgo setting, and the package's folder and files.
func cacheKey(tc *toolchain, p *pkg) string {
	parts := []string{skeletonFormat, runtime.Version(), tc.version, tc.goos, tc.goarch, strconv.FormatBool(tc.cgo), p.ImportPath, p.Dir}
	return fmt.Sprintf("%x", sha256.Sum256([]byte(strings.Join(append(parts, p.sourceFiles()...), "\n"))))
}

// sourceFiles are the files a skeleton is made from, in p.Dir.
func (p *pkg) sourceFiles() []string {
	return slices.Concat(p.GoFiles, p.CgoFiles, p.SFiles)
}

// sourceSum is the SHA-256 of p's files as they are when first asked
// (once per run: the skeleton and the body verdict both check it), or ""
// when one cannot be read.
func (p *pkg) sourceSum() string {
	p.sumOnce.Do(func() {
		h := sha256.New()
		for _, name := range p.sourceFiles() {
			data, err := os.ReadFile(filepath.Join(p.Dir, name))
			if err != nil {
				return
			}
			fmt.Fprintf(h, "%s %d\n", name, len(data))
			h.Write(data)
		}
		p.sum = fmt.Sprintf("%x", h.Sum(nil))
	})
	return p.sum
}

// stamp is a sum of how p's files look from outside, taken once per run
// before anything reads them: each one's name, size and modification
// time, and where the system has them its inode and change time. It is
// "" when one cannot be looked at, or was modified less than racyWindow
// ago: a change made within the same tick of a coarse clock, after the
// files were read, would leave the stamp as it was.
func (p *pkg) stamp() string {
	p.stampOnce.Do(func() {
		h := sha256.New()
		for _, name := range p.sourceFiles() {
			info, err := os.Stat(filepath.Join(p.Dir, name))
			if err != nil || time.Since(info.ModTime()) < racyWindow {
				return
			}
			fmt.Fprintf(h, "%s %d %d %s\n", name, info.Size(), info.ModTime().UnixNano(), statExtra(info))
		}
		p.stampSum = fmt.Sprintf("%x", h.Sum(nil))
	})
	return p.stampSum
}

// racyWindow is longer than the coarsest modification times kept (two
// seconds, on FAT).
const racyWindow = 3 * time.Second

// entrySum is the sum an entry made from files whose sum is sources, and
// holding skeleton, carries.
func entrySum(sources string, skeleton []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", sources)
	h.Write(skeleton)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// readSkeleton fills in p from its cached skeleton, if there is one that
// matches p's files. Its sources wait until the package must be
// type-checked.
func (prog *program) readSkeleton(p *pkg, cacheFile string) bool {
	data, err := os.ReadFile(cacheFile)
	if err != nil {
		return false
	}
	line, skel, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return false
	}
	sum, sources, stamp := entryLine(string(line))
	current := p.stamp() // before the files are read, if they must be
	looksSame := stamp != "" && stamp == current
	if !looksSame {
		sources = p.sourceSum()
	}
	if sources == "" || sum != entrySum(sources, skel) {
		return false
	}
	if looksSame {
		p.sumOnce.Do(func() { p.sum = sources })
	} else if current != "" {
		// The files look otherwise, as they do in a copied folder, but
		// did not change: the next run need not read them.
		writeEntry(cacheFile, sources, current, skel)
	}
	s, ok := decodeSkeleton(skel)
	if !ok {
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
// them. A cached source that does not parse is not used: the file itself
// is parsed instead. When the file parses, the entry was wrong, and is
// removed, to be made again; when it does not either, the file uses
// syntax newer than this parser (another Go's standard library), and what
// parses of it is kept, as parseFile keeps it.
func (prog *program) parseSkeleton(p *pkg) {
	for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
		path := filepath.Join(p.Dir, name)
		f, err := parser.ParseFile(prog.tc.fset, path, p.skeleton[name], parser.SkipObjectResolution)
		if err != nil {
			if f, err = parser.ParseFile(prog.tc.fset, path, nil, parser.SkipObjectResolution); err == nil {
				os.Remove(prog.skeletonFile(p))
			}
		}
		if f != nil {
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
	data, err := encodeSkeleton(s)
	if err != nil {
		return
	}
	// The writing goes on while the analysis runs; main waits for it.
	prog.tc.writing.Add(1)
	go func() {
		defer prog.tc.writing.Done()
		writeEntry(cacheFile, p.sourceSum(), p.stamp(), data)
	}()
}

// encodeSkeleton writes s as an entry holds it: a line of JSON, then its
// references and roots, then the sources that its FileSizes list.
func encodeSkeleton(s skeleton) ([]byte, error) {
	s.FileSizes = nil
	for _, name := range slices.Sorted(maps.Keys(s.Files)) {
		s.FileSizes = append(s.FileSizes, fileSize{name, len(s.Files[name])})
	}
	refs, err := encodeRefs(s.Refs, s.Roots)
	if err != nil {
		return nil, err
	}
	s.RefsSize = len(refs)
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	data = append(data, '\n')
	data = append(data, refs...)
	for _, f := range s.FileSizes {
		data = append(data, s.Files[f.Name]...)
	}
	return data, nil
}

// decodeSkeleton reads what encodeSkeleton wrote.
func decodeSkeleton(data []byte) (skeleton, bool) {
	var s skeleton
	meta, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok || json.Unmarshal(meta, &s) != nil {
		return s, false
	}
	sources := string(rest)
	if s.RefsSize < 0 || s.RefsSize > len(sources) {
		return s, false
	}
	if s.Refs, s.Roots, ok = decodeRefs(sources[:s.RefsSize]); !ok {
		return s, false
	}
	sources = sources[s.RefsSize:]
	s.Files = map[string]string{}
	for _, f := range s.FileSizes {
		if f.Size < 0 || f.Size > len(sources) {
			return s, false
		}
		s.Files[f.Name], sources = sources[:f.Size], sources[f.Size:]
	}
	return s, sources == ""
}

// encodeRefs writes what a package's code names as lines: for each key
// of refs, the key and its names, separated by tabs; then an empty line;
// then one root a line. Decoding them needs no unquoting: each name is a
// piece of the one string the entry is read into. A nil refs (a package
// of the standard library, whose references are not read) writes nothing.
func encodeRefs(refs map[string][]string, roots []string) ([]byte, error) {
	if refs == nil && roots == nil {
		return nil, nil
	}
	var b bytes.Buffer
	line := func(names ...string) error {
		for i, name := range names {
			if name == "" || strings.ContainsAny(name, "\t\n") {
				return fmt.Errorf("name %q cannot be written as a line", name)
			}
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(name)
		}
		b.WriteByte('\n')
		return nil
	}
	for _, key := range slices.Sorted(maps.Keys(refs)) {
		if err := line(append([]string{key}, refs[key]...)...); err != nil {
			return nil, err
		}
	}
	b.WriteByte('\n')
	for _, root := range roots {
		if err := line(root); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// decodeRefs reads what encodeRefs wrote.
func decodeRefs(text string) (refs map[string][]string, roots []string, ok bool) {
	if text == "" {
		return nil, nil, true
	}
	refs = map[string][]string{}
	for {
		line, rest, found := strings.Cut(text, "\n")
		if !found {
			return nil, nil, false
		}
		text = rest
		if line == "" {
			break
		}
		key, names, _ := strings.Cut(line, "\t")
		if names == "" {
			refs[key] = nil
			continue
		}
		refs[key] = strings.Split(names, "\t")
	}
	if text != "" {
		if !strings.HasSuffix(text, "\n") {
			return nil, nil, false
		}
		roots = strings.Split(text[:len(text)-1], "\n")
	}
	return refs, roots, true
}

// entryLine reads an entry's first line: its sum, and the sum and stamp
// of the files it was made from when the line holds them.
func entryLine(line string) (sum, sources, stamp string) {
	sum, rest, _ := strings.Cut(line, " ")
	sources, stamp, _ = strings.Cut(rest, " ")
	return sum, sources, stamp
}

// writeEntry stores an entry holding skeleton, made from files whose
// sum is sources and, unless it is "", whose stamp is stamp. It is
// written aside, then renamed: another linkcheck may be reading.
func writeEntry(cacheFile, sources, stamp string, skeleton []byte) {
	if sources == "" {
		return
	}
	line := entrySum(sources, skeleton)
	if stamp != "" {
		line += " " + sources + " " + stamp
	}
	data := append([]byte(line+"\n"), skeleton...)
	dir := filepath.Dir(cacheFile)
	if os.MkdirAll(dir, 0o777) != nil {
		return
	}
	sweepOnce(dir)
	tmp, err := os.CreateTemp(dir, filepath.Base(cacheFile)+".*"+tempSuffix)
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil && cerr == nil && os.Rename(tmp.Name(), cacheFile) == nil {
		return
	}
	os.Remove(tmp.Name())
}

// tempSuffix ends the name of a cache file being written.
const tempSuffix = ".tmp"

// staleAfter is how old a file being written must be to be taken for one
// that an interrupted linkcheck left: a write takes milliseconds.
const staleAfter = 10 * time.Minute

var swept sync.Map // cache folder -> *sync.Once

// sweepOnce removes, once per process and folder, what interrupted runs
// left there: files being written (NAME.*.tmp, and -marks' NAME.json.*)
// older than staleAfter. Every entry such a run did not finish is written
// by a later run that needs it, which sweeps first.
func sweepOnce(dir string) {
	once, _ := swept.LoadOrStore(dir, new(sync.Once))
	once.(*sync.Once).Do(func() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		for _, e := range entries {
			if !isTempName(e.Name()) {
				continue
			}
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	})
}

// isTempName reports whether a file of the cache folder is one being
// written: the entry's name, a dot and more.
func isTempName(name string) bool {
	return strings.HasSuffix(name, tempSuffix) || strings.Contains(name, ".json.")
}

// blankBodies returns src with the insides of function bodies and of
// the composite literals that dropTableContents empties cut down to their
// newlines, so that every declaration keeps its line, and without the
// comments (see stripComments).
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
	var out bytes.Buffer
	at := 0
	for _, span := range spans {
		out.Write(src[at:span[0]])
		out.WriteString(strings.Repeat("\n", bytes.Count(src[span[0]:span[1]], []byte("\n"))))
		at = span[1]
	}
	out.Write(src[at:])
	return stripComments(out.Bytes())
}

// stripComments returns src without its comments, which the parser of a
// skeleton would only skip, at a cost. A //line comment stays: it moves
// the positions after it. A /* */ comment leaves its newlines and a space
// for each other byte, keeping the columns after it, and the line breaks
// that end statements.
func stripComments(src []byte) string {
	var s scanner.Scanner
	file := token.NewFileSet().AddFile("", -1, len(src))
	s.Init(file, src, nil, scanner.ScanComments)
	var out strings.Builder
	at := 0
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF {
			break
		}
		start := file.Offset(pos)
		if tok != token.COMMENT || start < at || bytes.HasPrefix(src[start:], []byte("//line ")) || bytes.HasPrefix(src[start:], []byte("/*line ")) {
			continue
		}
		out.Write(src[at:start])
		if src[start+1] == '/' {
			end := bytes.IndexByte(src[start:], '\n')
			if end < 0 {
				end = len(src) - start
			}
			at = start + end
			continue
		}
		end := bytes.Index(src[start+2:], []byte("*/"))
		if end < 0 {
			end = len(src) - start - 2
		}
		at = start + 2 + end + 2
		if at > len(src) {
			at = len(src)
		}
		for _, c := range src[start:at] {
			if c != '\n' {
				c = ' '
			}
			out.WriteByte(c)
		}
	}
	out.Write(src[at:])
	return out.String()
}
