package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"example.com/linkname/workshop/runner"
)

// The exercises: each is a broken program that a participant fixes. It
// lives in exercises/NAME/ as the files that differ from one of the
// examples. Its reference solution is in exercises/NAME/solution/, or,
// when fixing it gives back the example itself, it is the example. Starting an
// exercise copies that example out (as make copy-out does) into
// scratch/NAME/, a folder git ignores, and lays the broken files over it;
// the participant edits only the copy. The copy's module path is the
// workspace's own prefix, example.com/linkname, so bar is still
// example.com/linkname/bar there and the directives read as they do in the
// workspace.

const (
	exercisesDir   = "exercises"
	scratchDir     = "scratch"
	scratchModule  = "example.com/linkname"
	solutionFolder = "solution"
)

type exerciseSpec struct {
	name   string
	mode   string   // the example the scratch copy starts from
	remove []string // files of that example the exercise takes away
	edit   string   // the file to fix, in the scratch copy
	// keep names the declaration that must still be linked by a directive
	// when the exercise is fixed; "" when a fix may do without one.
	keep string
	// keepMode is the mode linkcheck must find on keep's directive: a fix
	// that turns a pull into a push is no fix.
	keepMode string
	goal     string
	hint     string
	// misprint says, in the lesson's words, what a fix that builds but
	// prints the wrong line got wrong; "" for the general words.
	misprint string
}

// The exercises in the session's order: TEACHING.md's plan, then its
// extension, then what it leaves for home (TestExercisesInPlanOrder holds
// the two together). make exercise lists them so, and make check's next:
// follows it.
var exerciseList = []exerciseSpec{
	{
		name:     "import-unsafe",
		mode:     "pull",
		edit:     "main.go",
		keep:     "Add",
		keepMode: "pull",
		goal:     "Make the compiler accept the //go:linkname directive on Add.",
		hint: "The compiler honours //go:linkname only in a file that imports unsafe. " +
			"Nothing here uses unsafe by name, so the import is a blank one: _ \"unsafe\".",
	},
	{
		name:     "push-body",
		mode:     "push",
		remove:   []string{"foo/foo.s"},
		edit:     "foo/foo.go",
		keep:     "div",
		keepMode: "push",
		goal:     "Make package foo compile: Div has no body, because bar pushes one into it.",
		hint: "The compiler accepts a function without a body only when something says the " +
			"body comes from elsewhere: an assembly file in the package (even an empty one), " +
			"or a one-argument //go:linkname Div on the function (which needs the unsafe import).",
	},
	{
		name: "std-pull-refused",
		mode: "stdlib",
		edit: "main.go",
		goal: "Make the program link without -ldflags=-checklinkname=0: the linker refuses the pull of time.runtimeNano.",
		hint: "Since Go 1.23 a program may pull a standard-library symbol only if the standard " +
			"library opens it to outside use. time.runtimeNano is marked, but the linker's " +
			"block-list keeps it for package time alone. runtime.nanotime is marked and open " +
			"(a one-argument //go:linkname nanotime in runtime's source); time.Now and " +
			"time.Since are the public way.",
		misprint: "the clock it reads did not move while the program slept a millisecond: a clock that never moves is no fix. " +
			"Read the real monotonic clock: a symbol the runtime opens to outside use, or package time's public API.",
	},
	{
		name:     "link-the-target",
		mode:     "pull",
		edit:     "main.go",
		keep:     "Add",
		keepMode: "pull",
		goal:     "Make the program link: Add's body, bar.add, is nowhere to be found.",
		hint: "A pull finds only what the program links in, and a package is linked in " +
			"only if something imports it. Nothing here uses bar by name: import it for " +
			"its side effect, with a blank import.",
	},
	{
		name:     "match-the-signature",
		mode:     "pull",
		edit:     "main.go",
		keep:     "Add",
		keepMode: "pull",
		goal:     "Make Add's declaration agree with bar.add's on every port Go supports first class. It builds, runs and passes go vet; only linkcheck sees the mistake.",
		hint: "Read bar/bar.go: add takes two ints and returns an int. The linker matches names, " +
			"not types, so a declaration with other types links and reads the wrong registers " +
			"or the wrong memory. A type that has the size of int on this machine may not have it " +
			"on another: make check runs linkcheck for each first-class port. " +
			"Run ../../bin/linkcheck ./... in the scratch folder for the details.",
	},
	{
		name:     "method-symbol",
		mode:     "pull",
		edit:     "main.go",
		keep:     "add",
		keepMode: "pull",
		goal:     "Pull the method add of bar's unexported type tally: the symbol the directive names does not exist.",
		hint: "The symbol of a method with a pointer receiver is path.(*T).name, with the " +
			"parentheses and the star; a value receiver's is path.T.name. tally's add has a " +
			"pointer receiver.",
	},
}

// exercise is `workshop exercise [start|check|hint|reset] [NAME]`.
func exercise(args []string) error {
	if len(args) == 0 || len(args) == 1 && args[0] == "start" {
		listExercises()
		return nil
	}
	if len(args) != 2 || !slices.Contains([]string{"start", "check", "hint", "reset"}, args[0]) {
		return errors.New("usage: workshop exercise [start|check|hint|reset] [NAME]")
	}
	i := slices.IndexFunc(exerciseList, func(e exerciseSpec) bool { return e.name == args[1] })
	if i < 0 {
		listExercises()
		target := map[string]string{"start": "exercise"}[args[0]]
		if target == "" {
			target = args[0]
		}
		return fmt.Errorf("no exercise %q: say which, as in make %s EX=%s", args[1], target, exerciseList[0].name)
	}
	ex := exerciseList[i]
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	scratch := filepath.Join(scratchDir, ex.name)
	switch args[0] {
	case "hint":
		fmt.Printf("hint for %s: %s\n", ex.name, ex.hint)
	case "reset":
		if err := os.RemoveAll(scratch); err != nil {
			return err
		}
		fallthrough
	case "start":
		if _, err := os.Stat(scratch); err == nil {
			fmt.Printf("%s exists: carrying on with your copy (make reset EX=%s starts it over)\n", scratch, ex.name)
		} else if err := startExercise(root, ex, scratch); err != nil {
			return err
		}
		fmt.Printf("exercise %d of %d, %s: %s\n", i+1, len(exerciseList), ex.name, ex.goal)
		fmt.Printf("  edit:  %s\n", filepath.Join(scratch, ex.edit))
		fmt.Printf("  check: make check EX=%s\n  hint:  make hint EX=%s\n  reset: make reset EX=%s\n", ex.name, ex.name, ex.name)
	case "check":
		if _, err := os.Stat(scratch); err != nil {
			return fmt.Errorf("%s is not started: make exercise EX=%s", ex.name, ex.name)
		}
		problem, err := checkExercise(root, ex, scratch)
		if err != nil {
			return err
		}
		if problem != "" {
			fmt.Printf("%s: not yet: %s", ex.name, problem)
			return errFailed
		}
		if err := markDone(scratch); err != nil {
			return err
		}
		fmt.Printf("%s: fixed. It builds, linkcheck finds nothing wrong on any first-class port, and it prints what main_test.go expects.\n", ex.name)
		fmt.Println(nextExercise(i, func(name string) bool {
			return exerciseState(filepath.Join(scratchDir, name)) == " (done)"
		}))
	}
	return nil
}

// nextExercise is make check's last line once exercise i is fixed: the
// next exercise of the session's order that is not done, coming round to
// the first ones again, and how many are still to do; or that all are
// done.
func nextExercise(i int, done func(name string) bool) string {
	var todo []string
	for k := 1; k < len(exerciseList); k++ {
		if name := exerciseList[(i+k)%len(exerciseList)].name; !done(name) {
			todo = append(todo, name)
		}
	}
	switch len(todo) {
	case 0:
		return fmt.Sprintf("that was the last exercise: all %d are done.", len(exerciseList))
	case 1:
		return fmt.Sprintf("next: make exercise EX=%s (the one exercise still to do)", todo[0])
	}
	return fmt.Sprintf("next: make exercise EX=%s (%d exercises still to do)", todo[0], len(todo))
}

func listExercises() {
	fmt.Println("exercises, in lesson order (make exercise EX=name starts one):")
	for i, ex := range exerciseList {
		fmt.Printf("  %d. %-20s %s%s\n", i+1, ex.name, ex.goal, exerciseState(filepath.Join(scratchDir, ex.name)))
	}
}

// doneMark is the file make check writes into a scratch copy it finds
// fixed: the digest of the copy's files as they were then.
const doneMark = ".done"

// exerciseState is how the listing marks the exercise whose scratch copy
// is dir: " (done)" when make check found it fixed and nothing changed
// since, " (started)" when the copy exists, "" when it does not.
func exerciseState(dir string) string {
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	mark, err := os.ReadFile(filepath.Join(dir, doneMark))
	if digest, derr := scratchDigest(dir); err == nil && derr == nil && string(mark) == digest {
		return " (done)"
	}
	return " (started)"
}

// markDone records that the scratch copy in dir passed its check.
func markDone(dir string) error {
	digest, err := scratchDigest(dir)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, doneMark), []byte(digest), 0o666)
}

// scratchDigest is a digest of every file of a scratch copy but the mark,
// with its path: an edit after the check, a file added or removed, shows.
func scratchDigest(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, file)
		if rel == doneMark {
			return nil
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// startExercise writes the exercise's scratch copy into dir: its example,
// copied out, with the exercise's broken files laid over it.
func startExercise(root string, ex exerciseSpec, dir string) error {
	if _, err := copyOut(root, ex.mode, dir, scratchModule); err != nil {
		return err
	}
	for _, name := range ex.remove {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return err
		}
	}
	// The workspace's go.work lies above the scratch copy, and the go
	// command would use it; this one keeps go run . and go test inside the
	// copy on the copy's own module.
	work := "// The scratch copy of an exercise is its own workspace.\ngo 1.23\n\nuse .\n"
	if err := os.WriteFile(filepath.Join(dir, "go.work"), []byte(work), 0o666); err != nil {
		return err
	}
	return layOver(filepath.Join(root, exercisesDir, ex.name), dir, solutionFolder)
}

// solveExercise lays the exercise's reference solution over its scratch
// copy in dir.
func solveExercise(root string, ex exerciseSpec, dir string) error {
	solution := filepath.Join(root, exercisesDir, ex.name, solutionFolder)
	if _, err := os.Stat(solution); err == nil {
		return layOver(solution, dir, "")
	}
	_, err := copyOut(root, ex.mode, dir, scratchModule)
	return err
}

// layOver copies every file under from into to, keeping their relative
// paths, except those under from/skip.
func layOver(from, to, skip string) error {
	return filepath.WalkDir(from, func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, file)
		if d.IsDir() {
			if skip != "" && rel == skip {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(to, rel), 0o777)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o666)
	})
}

// checkExercise builds the program in dir, linkchecks it, runs it, and
// returns what is still wrong with it, or "" when nothing is. An error
// means the check itself could not run.
func checkExercise(root string, ex exerciseSpec, dir string) (string, error) {
	tmp, err := os.MkdirTemp("", "exercise")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "program"+exeSuffix())
	// No flags: a fix that needs -checklinkname=0 is no fix.
	if out, err := goIn(dir, "build", "-o", bin, "."); err != nil {
		return diagnose(string(out)), nil
	}
	if problem, err := linkcheckExercise(root, ex, dir); problem != "" || err != nil {
		return problem, err
	}
	want, err := expectedOutput(dir)
	if err != nil {
		return "", err
	}
	got, err := runProgram(bin)
	if err != nil {
		return fmt.Sprintf("it builds, but it stops with an error:\n%s", indent(err.Error())), nil
	}
	if got != want {
		why := ""
		if ex.misprint != "" {
			why = ex.misprint + "\n"
		}
		return fmt.Sprintf("it builds and runs, but prints\n%sinstead of what main_test.go expects:\n%s%s", indent(got), indent(want), why), nil
	}
	return "", nil
}

// A buildDiagnosis explains a toolchain message in the terms of the lesson.
type buildDiagnosis struct {
	marker  string // a part of the toolchain's line
	explain string // what is wrong; %s, if present, is the word after marker
}

var buildDiagnoses = []buildDiagnosis{
	{`only allowed in Go files that import "unsafe"`, "the compiler ignores //go:linkname in a file that does not import unsafe."},
	{"missing function body", "a function has no body, and nothing tells the compiler that its body comes from elsewhere."},
	{"relocation target ", "nothing linked into the program defines %s, the symbol a directive names."},
	{"invalid reference to ", "the linker refuses to let a program pull %s: the standard library keeps it to itself."},
	{"duplicated definition of symbol ", "two packages define %s, and a symbol has one body: a push gives it one, and so does a function written with a body."},
}

// diagnose turns a failed build's output into what is still wrong: the
// lesson's words for the first line it recognises, then the toolchain's
// own lines.
func diagnose(out string) string {
	var lines []string
	explanation := "it does not build."
	found := false
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "# ") {
			continue // the package the go command was building
		}
		lines = append(lines, line)
		for _, d := range buildDiagnoses {
			_, after, ok := strings.Cut(line, d.marker)
			if !ok || found {
				continue
			}
			found, explanation = true, d.explain
			if strings.Contains(d.explain, "%s") {
				// The linker ends the symbol with a comma when it says more.
				symbol := strings.TrimRight(strings.Fields(after)[0], ",.:;")
				explanation = fmt.Sprintf(d.explain, symbol) + methodForm(symbol)
			}
		}
	}
	return explanation + "\n" + indent(strings.Join(lines, "\n"))
}

// methodForm is a word on the form of a method's symbol, for a symbol
// that names a pointer receiver's method without the parentheses
// (path.*T.name): the symbol is path.(*T).name. "" for any other.
func methodForm(symbol string) string {
	_, name := path.Split(symbol)
	if !strings.Contains(name, ".*") || strings.Contains(name, "(*") {
		return ""
	}
	return " A method with a pointer receiver has the symbol path.(*T).name: the star and the type go in parentheses."
}

// installLinkcheck builds bin/linkcheck in the workspace at root as make
// test does (a quick no-op when it is up to date) and returns its path.
// Only a program that builds needs it, so it is not a prerequisite of
// make check.
func installLinkcheck(root string) (string, error) {
	if out, err := (runner.Proc{Dir: root}).Combined("go", linkcheckBuild...); err != nil {
		return "", fmt.Errorf("%v\n%s", err, out)
	}
	return filepath.Join(root, "bin", "linkcheck"+exeSuffix()), nil
}

// linkcheckExercise runs bin/linkcheck on the program in dir for every
// first-class port and returns what it finds wrong: a directive the
// exercise is about that is gone or has changed mode, or the findings with
// errors (exit status 1) in the package of the file to fix, grouped by the
// ports that report them alike.
func linkcheckExercise(root string, ex exerciseSpec, dir string) (string, error) {
	linkcheck, err := installLinkcheck(root)
	if err != nil {
		return "", err
	}
	ports, err := linkcheckPorts(linkcheck, dir)
	if err != nil {
		return "", err
	}
	// The directives are the same on every port of a program in plain Go:
	// the first port's findings say what each directive is.
	var kept *linkcheckFinding
	for i, f := range ports[0].findings {
		if f.Local == ex.keep && f.Target != "" {
			kept = &ports[0].findings[i]
		}
	}
	if ex.keep != "" && kept == nil {
		return fmt.Sprintf("%s no longer carries a //go:linkname directive naming its target: the exercise is to make the directive work, not to do without it.\n", ex.keep), nil
	}
	if kept != nil && ex.keepMode != "" && kept.Mode != ex.keepMode {
		return modeChanged(*kept, ex.keepMode), nil
	}
	// Ports whose wrong lines read alike are named together, in the order
	// of the list.
	var groups []string
	byLines := map[string][]string{}
	for _, p := range ports {
		if !p.failed {
			continue
		}
		lines := wrongLines(p.findings, ex.edit)
		if _, seen := byLines[lines]; !seen {
			groups = append(groups, lines)
		}
		byLines[lines] = append(byLines[lines], p.port)
	}
	if len(groups) == 0 {
		return "", nil
	}
	host := runtime.GOOS + "/" + runtime.GOARCH
	wrongHere := slices.ContainsFunc(ports, func(p portFindings) bool { return p.port == host && p.failed })
	var b strings.Builder
	if wrongHere {
		b.WriteString("linkcheck finds a wrong directive, though the program builds and runs:\n")
	} else {
		fmt.Fprintf(&b, "linkcheck finds a wrong directive on other ports, though the program builds and runs on this one (%s): a declaration must agree with its target on every port Go supports first class.\n", host)
	}
	for _, lines := range groups {
		fmt.Fprintf(&b, "  on %s:\n%s", strings.Join(byLines[lines], ", "), indent(lines))
	}
	say := "../../bin/linkcheck ./..."
	if !wrongHere {
		goos, goarch, _ := strings.Cut(byLines[groups[0]][0], "/")
		say = "GOOS=" + goos + " GOARCH=" + goarch + " CGO_ENABLED=0 " + say
	}
	fmt.Fprintf(&b, "  %s in the scratch folder says why.\n", say)
	return b.String(), nil
}

// wrongLines is what the findings in the package of the file to fix say
// of each directive there: one line, then its signature's differences.
func wrongLines(findings []linkcheckFinding, edit string) string {
	var lines []string
	for _, f := range findings {
		file, _, _ := strings.Cut(f.Pos, ":")
		if f.Target == "" || path.Dir(file) != path.Dir(edit) {
			continue
		}
		line := fmt.Sprintf("%s: %s -> %s [%s]", f.Pos, f.Local, f.Target, f.Mode)
		if f.BuildFails != "" {
			line += ": " + f.BuildFails
		}
		for _, diff := range f.Diffs {
			line += "\n    " + diff
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// modeChanged says, in the lesson's words, what a fix did that changed the
// mode of the directive the exercise is about.
func modeChanged(f linkcheckFinding, want string) string {
	if f.Mode == "push" && want == "pull" {
		pkg, _ := splitSymbol(f.Target)
		return fmt.Sprintf("%[1]s has a body now, so its directive pushes that body into %[2]s instead of pulling %[2]s's: "+
			"the program runs its own code, and nothing of %[3]s is used (linkcheck labels the line [push]). "+
			"The exercise is a pull: take %[1]s's body away again and make %[3]s part of the program.\n", f.Local, f.Target, pkg)
	}
	return fmt.Sprintf("the directive on %s is a %s now (linkcheck labels the line [%s]); the exercise is a %s.\n", f.Local, f.Mode, f.Mode, want)
}

// portFindings is what linkcheck says of a program built for one port.
type portFindings struct {
	port     string // GOOS/GOARCH
	findings []linkcheckFinding
	failed   bool // exit status 1: the build would fail or a signature is unsafe
}

// linkcheckPorts runs linkcheck -json on the program in dir once for each
// of firstClassPorts, with cgo off (no C toolchain is needed to check a
// port), side by side, and returns the answers in the order of the list.
func linkcheckPorts(linkcheck, dir string) ([]portFindings, error) {
	results := make([]portFindings, len(firstClassPorts))
	errs := make([]error, len(firstClassPorts))
	parallel(len(firstClassPorts), func(i int) {
		port := firstClassPorts[i]
		goos, goarch, _ := strings.Cut(port, "/")
		env := linkcheckEnv(append(outsideWorkspace(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch))
		out, err := runner.Proc{Dir: dir, Env: env}.Output(linkcheck, "-json", "./...")
		var exit *runner.Error
		failed := errors.As(err, &exit) && exit.Code == 1
		if err != nil && !failed {
			errs[i] = fmt.Errorf("linkcheck could not check %s for %s: %v\n%s", dir, port, err, out)
			return
		}
		results[i] = portFindings{port: port, failed: failed}
		if err := json.Unmarshal(out, &results[i].findings); err != nil {
			errs[i] = fmt.Errorf("linkcheck -json for %s: %v", port, err)
		}
	})
	return results, errors.Join(errs...)
}
