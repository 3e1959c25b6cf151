package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// realRecord is what the last make linkcheck-real found on a published
// module, which make docs copies into the README.
const realRecord = "workshop/records/linkcheck-real.md"

// linkcheckReal holds linkcheck's predictions against the linker on a
// published module, under each Go in $GO_VERSIONS: it runs bin/linkcheck
// over the module, then links a program that imports the module's
// packages, and checks that the build fails exactly when linkcheck said it
// would, with the error it named. It records a table and an excerpt of
// the findings; with -check it records nothing and fails if the record
// says otherwise.
func linkcheckReal(args []string) bool {
	check := len(args) == 2 && args[0] == "-check"
	if check {
		args = args[1:]
	}
	module, version, ok := strings.Cut(strings.Join(args, " "), "@")
	if len(args) != 1 || !ok {
		fatalf("usage: workshop linkcheck-real [-check] MODULE@VERSION")
	}
	// The go command rebuilds bin/linkcheck only when its sources changed.
	if out, err := exec.Command("go", "build", "-o", "bin/", "./linkcheck").CombinedOutput(); err != nil {
		fmt.Printf("go build -o bin/ ./linkcheck: %v\n%s", err, out)
		return false
	}
	linkcheck := absPath(filepath.Join("bin", "linkcheck"+exeSuffix()))
	// The module and the program are outside this workspace.
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var dl struct{ Dir, Error string }
	out, err := runIn(env, "", "go", "mod", "download", "-json", module+"@"+version)
	if json.Unmarshal(out, &dl); dl.Dir == "" {
		fmt.Printf("go mod download %s@%s: %v %s %s\n", module, version, err, dl.Error, out)
		return false
	}
	program, err := writeImporter(env, module, version)
	if err != nil {
		fmt.Println(err)
		return false
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Recorded by `make linkcheck-real` on %s %s:\n", module, version)
	b.WriteString("linkcheck's findings, then a program that imports the module, linked\nby the same Go.\n\n")
	b.WriteString("| Go | Directives | Modes | Why the linker allows them | Predicted to stop the build | `go build` of the program |\n|---|---:|---|---|---:|---|\n")
	excerpt, excerptHeader := "", ""
	agreed := true
	for _, v := range goVersions() {
		venv := append(env, "GOTOOLCHAIN="+v)
		goVersion, err := runIn(venv, "", "go", "env", "GOVERSION")
		if err != nil {
			fmt.Printf("GOTOOLCHAIN=%s: %v %s\n", v, err, goVersion)
			return false
		}
		row, text, ok := predictAndLink(venv, linkcheck, dl.Dir, program)
		agreed = agreed && ok
		fmt.Fprintf(&b, "| %s | %s |\n", strings.TrimSpace(string(goVersion)), row)
		if excerpt == "" {
			excerptHeader = fmt.Sprintf("\nOne finding of each mode, with %s:\n\n", strings.TrimSpace(string(goVersion)))
			excerpt = excerptHeader + fence("console", "$ linkcheck ./...\n"+oneOfEachMode(text))
		}
	}
	fmt.Print(b.String()) // the excerpt goes to the record only
	b.WriteString(excerpt)
	if !agreed {
		fmt.Println("\nlinkcheck and the linker disagree (see DISAGREE above): nothing recorded")
		return false
	}
	if check {
		// Only the versions run this time are compared: make matrix
		// GO_VERSIONS=<subset> checks those rows alone.
		recorded, err := os.ReadFile(realRecord)
		lines := strings.SplitAfter(b.String(), "\n")
		for _, line := range lines {
			if err == nil && strings.HasPrefix(line, "| go") && !strings.Contains(string(recorded), line) {
				err = fmt.Errorf("no row %q", strings.TrimSpace(line))
			}
		}
		if err == nil && strings.Contains(string(recorded), excerptHeader) && !strings.Contains(string(recorded), excerpt) {
			err = errors.New("the excerpt differs")
		}
		if err != nil {
			fmt.Printf("\n%s says otherwise (%v): run make linkcheck-real, then make docs\n", realRecord, err)
			return false
		}
		return true
	}
	if err := os.WriteFile(realRecord, []byte(b.String()), 0o666); err != nil {
		fatalf("%v", err)
	}
	fmt.Printf("\nrecorded in %s; make docs puts it in workshop/README.md\n", realRecord)
	return true
}

// writeImporter writes, in bin/real, a program that blank-imports every
// package of module that a program may import (not internal, not main,
// not test-only), and returns its folder.
func writeImporter(env []string, module, version string) (string, error) {
	dir := absPath(filepath.Join("bin", "real"))
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	gomod := "module linkcheck.test/real\n\ngo 1.23\n\nrequire " + module + " " + version + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666); err != nil {
		return "", err
	}
	out, err := runIn(env, dir, "go", "list", "-e", "-f", "{{if .GoFiles}}{{.ImportPath}} {{.Name}}{{end}}", module+"/...")
	if err != nil {
		return "", fmt.Errorf("go list %s/...: %v\n%s", module, err, out)
	}
	var src strings.Builder
	src.WriteString("// Command real links in every package of " + module + " that a program may import.\npackage main\n\nimport (\n")
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, name, _ := strings.Cut(line, " ")
		if path != "" && name != "main" && !slices.Contains(strings.Split(path, "/"), "internal") {
			fmt.Fprintf(&src, "\t_ %q\n", path)
		}
	}
	src.WriteString(")\n\nfunc main() {}\n")
	return dir, os.WriteFile(filepath.Join(dir, "main.go"), []byte(src.String()), 0o666)
}

// predictAndLink runs linkcheck over the module in moduleDir, then builds
// the program, with the Go that env selects. It returns the table row
// (from the Directives column on), linkcheck's text output, and whether
// the build did what linkcheck predicted for the packages the program
// links.
func predictAndLink(env []string, linkcheck, moduleDir, program string) (row, text string, agree bool) {
	out, err := runIn(env, moduleDir, linkcheck, "-json", "./...")
	var findings []struct {
		Pos, Mode, Linker string
		Fails             string `json:"build_fails"`
	}
	if jerr := json.Unmarshal(out, &findings); jerr != nil {
		return fmt.Sprintf("linkcheck failed: %v %s", err, out), "", false
	}
	textOut, _ := runIn(env, moduleDir, linkcheck, "./...")
	linked, err := runIn(env, program, "go", "list", "-deps", "-f", "{{.Dir}}", ".")
	if err != nil {
		return fmt.Sprintf("go list -deps: %v %s", err, linked), "", false
	}
	dirs := strings.Split(string(linked), "\n")
	modes, reasons := map[string]int{}, map[string]int{}
	var predicted []string
	for _, f := range findings {
		modes[f.Mode]++
		reasons[linkerReason(f.Linker)]++
		file, _, _ := strings.Cut(f.Pos, ":")
		if f.Fails != "" && slices.Contains(dirs, filepath.Dir(filepath.Join(moduleDir, file))) {
			predicted = append(predicted, f.Fails)
		}
	}

	_, buildErr := runIn(env, program, "go", "build", "-o", "real"+exeSuffix(), ".")
	var result string
	switch {
	case buildErr == nil && len(predicted) == 0:
		result, agree = "links, as predicted", true
	case buildErr == nil:
		result = fmt.Sprintf("DISAGREE: links, but linkcheck predicted %q", predicted)
	case slices.ContainsFunc(predicted, func(p string) bool { return strings.Contains(buildErr.Error(), p) }):
		result, agree = "fails, as predicted: "+firstLine(buildErr.Error()), true
	default:
		result = fmt.Sprintf("DISAGREE: fails with %q, linkcheck predicted %q", firstLine(buildErr.Error()), predicted)
	}
	row = fmt.Sprintf("%d | %s | %s | %d | %s", len(findings), tally(modes), tally(reasons), len(predicted), result)
	return row, string(textOut), agree
}

// linkerReason shortens linkcheck's linker verdict to who lets the pull
// through: "reflect marks it", "runtime pushes it".
func linkerReason(verdict string) string {
	if rest, ok := strings.CutPrefix(verdict, "allowed only because "); ok {
		pkg, _, _ := strings.Cut(rest, " ")
		return pkg + " marks it"
	}
	if rest, ok := strings.CutPrefix(verdict, "allowed: "); ok && strings.Contains(rest, " pushes ") {
		pkg, _, _ := strings.Cut(rest, " ")
		return pkg + " pushes it"
	}
	verdict, _, _ = strings.Cut(verdict, " (")
	return verdict
}

// tally lays out counts as "36 handshake, 10 pull", largest first.
func tally(counts map[string]int) string {
	keys := slices.Sorted(maps.Keys(counts))
	slices.SortStableFunc(keys, func(a, b string) int { return counts[b] - counts[a] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	return strings.Join(parts, ", ")
}

// oneOfEachMode keeps, of linkcheck's text output, the first finding of
// each mode, and the closing count.
func oneOfEachMode(text string) string {
	var b strings.Builder
	seen := map[string]bool{}
	keep := false
	for _, line := range strings.SplitAfter(text, "\n") {
		if !strings.HasPrefix(line, " ") {
			mode := ""
			if open := strings.LastIndex(line, " ["); open >= 0 {
				mode = line[open:]
			}
			keep = mode == "" || !seen[mode]
			seen[mode] = true
		}
		if keep {
			b.WriteString(line)
		}
	}
	return b.String()
}

// runIn runs name in dir with env and returns its standard output; an
// error carries what it printed on standard error.
func runIn(env []string, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Dir = env, dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		err = fmt.Errorf("%v: %s", err, stderr.Bytes())
	}
	return out, err
}

func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
