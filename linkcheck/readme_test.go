package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
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
	var fields []string
	ft := reflect.TypeFor[finding]()
	for i := range ft.NumField() {
		if tag, _, _ := strings.Cut(ft.Field(i).Tag.Get("json"), ","); tag != "" {
			fields = append(fields, tag)
		}
	}
	constants := func(file, prefix string) []string {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok && strings.HasPrefix(vs.Names[0].Name, prefix) && len(vs.Values) == 1 {
				code, _ := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
				codes = append(codes, code)
			}
			return true
		})
		return codes
	}
	// The -upgrade object's fields, some rows naming several.
	var upgradeFields []string
	for _, typ := range []reflect.Type{reflect.TypeFor[upgradeReport](), reflect.TypeFor[upgradeModule](), reflect.TypeFor[upgradeChange]()} {
		for i := range typ.NumField() {
			if tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); tag != "" && !slices.Contains(upgradeFields, tag) {
				upgradeFields = append(upgradeFields, tag)
			}
		}
	}
	for section, want := range map[string][]string{"## JSON fields": fields, "## Reason codes": constants("finding.go", "reason"),
		"## Before you upgrade Go": constants("upgrade.go", "change"), "## -upgrade JSON fields": upgradeFields} {
		got := firstColumn(string(data), section)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("README.md's %q lists %q\nthe code has %q", section, got, want)
		}
	}
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
// names are exactly those marks.go gives.
func TestReadmeMarks(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{} // constant name -> code
	fset := token.NewFileSet()
	check, err := parser.ParseFile(fset, "check.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(check, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && strings.HasPrefix(vs.Names[0].Name, "reason") && len(vs.Values) == 1 {
			codes[vs.Names[0].Name], _ = strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
		}
		return true
	})
	marks, err := parser.ParseFile(fset, "marks.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var used []string
	ast.Inspect(marks, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && codes[id.Name] != "" {
			used = append(used, codes[id.Name])
		}
		return true
	})
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
		t.Errorf("README.md's Marks section names %q\nmarks.go gives %q", named, used)
	}
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
