package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestReadme checks that README.md's tables of JSON fields, reason codes,
// -upgrade's kinds of change and its JSON fields list exactly the fields,
// reasons and kinds in the code.
func TestReadme(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	constants := func(prefix string) []string {
		return slices.Collect(maps.Values(stringConstants(t, "*.go", prefix)))
	}
	// The -upgrade object's fields, some rows naming several.
	upgradeFields := jsonFields(reflect.TypeFor[upgradeReport](), reflect.TypeFor[upgradeModule](), reflect.TypeFor[upgradeChange]())
	for section, want := range map[string][]string{"## JSON fields": jsonFields(reflect.TypeFor[finding]()), "## Reason codes": constants("reason"),
		"## Before you upgrade Go": constants("change"), "## -upgrade JSON fields": upgradeFields} {
		if len(want) == 0 {
			t.Fatalf("the code has nothing for README.md's %q", section)
		}
		got := firstColumn(string(data), section)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("README.md's %q lists %q\nthe code has %q", section, got, want)
		}
	}
}

// jsonFields lists the JSON names of the types' fields, each once.
func jsonFields(types ...reflect.Type) []string {
	var fields []string
	for _, typ := range types {
		for i := range typ.NumField() {
			if tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); tag != "" && !slices.Contains(fields, tag) {
				fields = append(fields, tag)
			}
		}
	}
	return fields
}

// firstColumn returns the codes in the first column of the table under
// a heading: "| `code` | ...", before any generated block.
func firstColumn(markdown, heading string) []string {
	_, section, _ := strings.Cut(markdown, "\n"+heading+"\n")
	section, _, _ = strings.Cut(section, "\n## ")
	section, _, _ = strings.Cut(section, "<!-- generated")
	var codes []string
	for _, line := range strings.Split(section, "\n") {
		if cell, ok := strings.CutPrefix(line, "| `"); ok {
			// A cell may name several: "`from`, `to`".
			cell, _, _ = strings.Cut(cell, " |")
			for _, code := range strings.Split(cell, ", `") {
				codes = append(codes, strings.Trim(code, "`"))
			}
		}
	}
	return codes
}

// TestReadmeMarks checks that the reason codes README.md's "## Marks"
// names are exactly those the marks*.go files give.
func TestReadmeMarks(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	codes := stringConstants(t, "*.go", "reason") // constant name -> code
	var used []string
	for _, f := range parseFiles(t, "marks*.go") {
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && codes[id.Name] != "" {
				used = append(used, codes[id.Name])
			}
			return true
		})
	}
	if len(used) == 0 {
		t.Fatal("the marks*.go files use no reason code")
	}
	_, section, _ := strings.Cut(string(data), "\n## Marks\n")
	section, _, _ = strings.Cut(section, "\n## ")
	var named []string
	for i, part := range strings.Split(section, "`") {
		if i%2 == 1 && slices.Contains(slices.Collect(maps.Values(codes)), part) {
			named = append(named, part)
		}
	}
	slices.Sort(used)
	slices.Sort(named)
	if used, named = slices.Compact(used), slices.Compact(named); !slices.Equal(used, named) {
		t.Errorf("README.md's Marks section names %q\nthe marks*.go files give %q", named, used)
	}
}

// parseFiles parses the package's non-test files that match a pattern,
// failing when none does: a test that reads the source must notice when
// what it reads has moved.
func parseFiles(t *testing.T, pattern string) []*ast.File {
	t.Helper()
	names, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatalf("no non-test file matches %s", pattern)
	}
	return files
}

// stringConstants returns, by name, the string constants whose names
// begin with prefix in the package's non-test files matching pattern.
func stringConstants(t *testing.T, pattern, prefix string) map[string]string {
	t.Helper()
	consts := map[string]string{}
	for _, f := range parseFiles(t, pattern) {
		ast.Inspect(f, func(n ast.Node) bool {
			gd, ok := n.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				return true
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i >= len(vs.Values) || !strings.HasPrefix(name.Name, prefix) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						consts[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
			return false
		})
	}
	return consts
}

// TestReadmeEndings checks README.md's table of -upgrade's summary
// endings, one row per pair of build results, against the code.
func TestReadmeEndings(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(data), "\n## Before you upgrade Go\n")
	section, _, _ = strings.Cut(section, "\n## ")
	results := []string{buildLinks, buildUnsafe, buildFails}
	got := map[[2]string]string{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) == 3 && slices.Contains(results, cells[0]) && slices.Contains(results, cells[1]) {
			got[[2]string{cells[0], cells[1]}] = cells[2]
		}
	}
	want := map[[2]string]string{}
	for _, a := range results {
		for _, b := range results {
			r := &upgradeReport{FromBuild: a, ToBuild: b}
			want[[2]string{a, b}] = r.ending(true)
			if library := r.ending(false); library != r.ending(true) {
				want[[2]string{a, b}] += " (a library: " + library + ")"
			}
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("README.md's endings:\n%q\nthe code's:\n%q", got, want)
	}
	if words := strings.Join(strings.Fields(section), " "); !strings.Contains(words, `"`+breaksToo+`"`) {
		t.Errorf("README.md does not quote what the summary adds when the upgrade breaks lines: %q", breaksToo)
	}
}
