package main

import (
	"encoding/json"
	"html"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func getDeck(t *testing.T) string {
	t.Helper()
	var page strings.Builder
	if err := writeSlidesPage(&page); err != nil {
		t.Fatal(err)
	}
	return page.String()
}

var sectionPattern = regexp.MustCompile(`(?s)<section class="slide (\w+)" id="slide-\d+"(?: data-run="([^"]*)")?>(.*?)</section>`)

// The deck is written from the workspace: every file a mode is shown by,
// as it is on disk; a diagram per example; the forms table; one slide with
// a Run control per example and per lab case; notes from TEACHING.md. And
// it loads nothing from anywhere.
func TestSlidesDeck(t *testing.T) {
	page := getDeck(t)
	for _, file := range []string{"bar/bar.go", "foo/foo.go", "foo/foo.s", "pull/main.go", "push/main.go", "handshake/main.go", "stdlib/main.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page, "<h1>"+file+"</h1>") || !strings.Contains(page, html.EscapeString(string(src))) {
			t.Errorf("the slides do not show %s as it is on disk", file)
		}
	}
	runs := map[string]int{}
	kinds := map[string]int{}
	for _, m := range sectionPattern.FindAllStringSubmatch(page, -1) {
		kinds[m[1]]++
		if m[2] != "" {
			runs[m[2]]++
			if !strings.Contains(m[3], `<button class="run"`) {
				t.Errorf("the slide that runs %s has no Run button", m[2])
			}
		}
		if m[1] == "example" && !strings.Contains(m[3], "<svg") {
			t.Errorf("the slide that runs example %s has no diagram", m[2])
		}
		if !strings.Contains(m[3], `<aside class="notes"><p>`) {
			t.Errorf("a %s slide (%.80q) has no speaker notes", m[1], m[3])
		}
	}
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(exampleNames(), caseNames(cases)...) {
		want := 1
		if votes[name].when == slotHome {
			want = 0 // left for home: no slide in the session
		}
		if runs[name] != want {
			t.Errorf("%d slides run %s, want %d", runs[name], name, want)
		}
	}
	for _, row := range formRows {
		if !strings.Contains(page, "<td>"+inlineMarkdown(row.question)+"</td>") {
			t.Errorf("the forms table has no row %q", row.question)
		}
	}
	// Notes come from TEACHING.md: each part's first paragraph.
	src, _ := os.ReadFile(teachingGuide)
	parts, _ := guideParts(string(src))
	if len(parts) < 5 {
		t.Fatalf("TEACHING.md gives %d parts", len(parts))
	}
	for _, p := range parts {
		first, _, _ := strings.Cut(string(p.prose()), "</p>")
		if !strings.Contains(page, "<h1>"+html.EscapeString(p.title)+"</h1>") || !strings.Contains(page, first) {
			t.Errorf("the slides lack part %q or its notes %q", p.title, first)
		}
	}
	// Nothing from elsewhere: no src or href, no URL but the SVG
	// namespace (bin/slides adds a policy that forbids the rest).
	outside := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
	for _, s := range []string{" src=", " href=", "http://", "https://", "<link", "@import"} {
		if strings.Contains(outside, s) {
			t.Errorf("the page holds %q: it must load nothing from anywhere", s)
		}
	}
}

// A lab case's slide asks the question and shows the case's code, but not
// its header or //lab: lines: those hold the answer, which goes to the
// speaker notes.
func TestCaseSlideKeepsTheAnswerInTheNotes(t *testing.T) {
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		s, err := caseSlide(c)
		if err != nil {
			t.Fatal(err)
		}
		shown := string(s.Lead + s.Body)
		if strings.Contains(shown, "//lab:") || strings.Contains(shown, html.EscapeString(c.why)) {
			t.Errorf("%s: the slide shows its answer:\n%s", c.name, shown)
		}
		if !strings.Contains(shown, inlineMarkdown(votes[c.name].ask)) || !strings.Contains(shown, "package ") {
			t.Errorf("%s: the slide lacks its question or its code", c.name)
		}
		if notes := string(s.Notes); !strings.Contains(notes, inlineMarkdown(c.title)) || !strings.Contains(notes, "On record") {
			t.Errorf("%s: the notes lack what it breaks or the record: %s", c.name, notes)
		}
	}
}

// slides-run builds the example or case named and writes each Go's
// answer as JSON; an unknown name is refused with the list.
func TestSlidesRun(t *testing.T) {
	var asked []runTarget
	answers := func(t runTarget) []goAnswer {
		asked = append(asked, t)
		var answers []goAnswer
		for i, v := range recordedGo {
			answers = append(answers, goAnswer{Go: v, Installed: i == 0, Output: v + " built " + t.name + "\n", OK: i == 0})
		}
		return answers
	}
	for _, c := range []struct {
		name string
		want runTarget
	}{{"pull", runTarget{"pull", true}}, {"without-unsafe", runTarget{name: "without-unsafe"}}} {
		var out, stderr strings.Builder
		if !writeRunAnswer(&out, &stderr, []string{c.name}, answers) {
			t.Fatalf("slides-run %s: %s", c.name, stderr.String())
		}
		var got runAnswer
		if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
			t.Fatal(err)
		}
		if got.Name != c.name || len(got.Answers) != len(recordedGo) || got.Answers[0].Output != recordedGo[0]+" built "+c.name+"\n" || got.Answers[1].Installed {
			t.Errorf("slides-run %s: %+v", c.name, got)
		}
		if asked[len(asked)-1] != c.want {
			t.Errorf("slides-run %s built %+v, want %+v", c.name, asked[len(asked)-1], c.want)
		}
	}
	var out, stderr strings.Builder
	if writeRunAnswer(&out, &stderr, []string{"no-such"}, answers) || out.Len() > 0 ||
		!strings.Contains(stderr.String(), "runtime-assembly") || !strings.Contains(stderr.String(), "pull, push") {
		t.Errorf("slides-run no-such: %q %q", out.String(), stderr.String())
	}
	if len(asked) != 2 {
		t.Errorf("built %d times, want 2", len(asked))
	}
}

// Each example's diagram is drawn from its directives: the pull, the
// push with its direction, the handshake's mark and pull, and the
// standard library's refusal.
func TestDiagrams(t *testing.T) {
	want := map[string][]string{
		"pull":      {">main.Add<", ">bar.add<", "pulls the body from", `marker-start`},
		"push":      {">bar.div<", ">foo.Div<", "pushes its body into", `marker-end`, "gets the body pushed in"},
		"handshake": {">bar.hello<", ">main.Hello<", ">bar.x<", ">main.X<", "marked: others may pull it"},
		"stdlib":    {">main.TooLarge<", ">fmt.tooLarge<", `class="refused"`, "invalid reference to fmt.tooLarge"},
	}
	absent := map[string][]string{
		"pull":   {"bar.hello", "foo.Div"}, // a mark nobody pulls, a push into a package not linked in
		"stdlib": {"bar."},
	}
	for _, e := range examples {
		svg, err := diagramSVG(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range want[e.name] {
			if !strings.Contains(svg, s) {
				t.Errorf("%s's diagram lacks %q:\n%s", e.name, s, svg)
			}
		}
		for _, s := range absent[e.name] {
			if strings.Contains(svg, s) {
				t.Errorf("%s's diagram shows %q, which does nothing in that program", e.name, s)
			}
		}
	}
}

// Side by side: each Go a column, headed by its name, wrapped to fit.
func TestSideBySide(t *testing.T) {
	got := sideBySide([]goAnswer{
		{Go: "go1.26.8", Installed: true, Output: "$ go build ./pull\nbuilds\n"},
		{Go: "go1.27.3", Output: "go1.27.3 is not installed here\n"},
	}, 53)
	want := "go1.26.8                  | go1.27.3: not installed\n" +
		"--------                  | -----------------------\n" +
		"$ go build ./pull         | go1.27.3 is not installed\n" +
		"builds                    |  here\n"
	if got != want {
		t.Errorf("sideBySide:\n%s\nwant:\n%s", got, want)
	}
}

// answersUnder builds under each installed Go with that Go's toolchain,
// and says how to fetch one that is missing, building nothing for it.
func TestAnswersUnder(t *testing.T) {
	out, err := expectedOutput("pull")
	if err != nil {
		t.Fatal(err)
	}
	var built []string
	toolsFor := func(v string) tools {
		return tools{
			goCmd: func(args ...string) ([]byte, error) { built = append(built, v); return nil, nil },
			run:   func(string) (string, error) { return out, nil },
			bin:   "bin/compare/" + v,
		}
	}
	installed := func(v string) bool { return v == recordedGo[0] }
	answers := answersUnder(runTarget{"pull", true}, installed, toolsFor)
	if len(answers) != len(recordedGo) {
		t.Fatalf("%d answers", len(answers))
	}
	if a := answers[0]; !a.Installed || !a.OK || !strings.Contains(a.Output, "$ bin/compare/"+recordedGo[0]+"/pull\n"+out) {
		t.Errorf("the installed Go's answer: %+v", a)
	}
	if a := answers[1]; a.Installed || a.OK || !strings.Contains(a.Output, "make warm-up GO=all fetches it") {
		t.Errorf("the missing Go's answer: %+v", a)
	}
	if !slices.Equal(built, []string{recordedGo[0]}) {
		t.Errorf("built with %v, want only %s", built, recordedGo[0])
	}
}

// The notes render what TEACHING.md and the lab write: a cell's lines
// joined by <br> break lines, never show the tag; a "- " list is a list.
func TestSlidesNotesMarkup(t *testing.T) {
	page := getDeck(t)
	if strings.Contains(page, "&lt;br&gt;") {
		i := strings.Index(page, "&lt;br&gt;")
		t.Errorf("the page shows a literal <br>: %q", page[max(0, i-120):i+10])
	}
	p := guidePart{text: "Before the list:\n\n- `one`, the first\n  continued\n- two\n\nAfter.\n"}
	if got, want := string(p.prose()), "<p>Before the list:</p>\n<ul><li><code>one</code>, the first continued</li><li>two</li></ul>\n<p>After.</p>"; got != want {
		t.Errorf("prose of a list:\n%s\nwant\n%s", got, want)
	}
	shown, evidence := lastColumnApart("| | A | Shown by |\n|---|---|---|\n| q | `a` | `c` runs |\n")
	if shown != "| | A |\n|---|---|\n| q | `a` |\n" || evidence != "<p>Shown by:</p><ul><li>q: <code>c</code> runs</li></ul>" {
		t.Errorf("lastColumnApart: %q, %q", shown, evidence)
	}
}

// TEACHING.md tells the teacher to keep the notes off the projector, in
// the presenter view the page opens for ?notes (held by the browser
// test, TestSlidesPresenterView).
func TestTeachingOpensPresenterView(t *testing.T) {
	src, err := os.ReadFile(teachingGuide)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "open the presenter view, the\naddress `make slides` prints with `?notes` after it") || !strings.Contains(string(src), "on your own screen") {
		t.Errorf("%s does not tell the teacher to open the presenter view (?notes) on their own screen", teachingGuide)
	}
	if !strings.Contains(getDeck(t), `if (query.has("notes")) {`+"\n"+`  document.body.classList.add("presenter");`) {
		t.Error("the page does not open the presenter view for ?notes")
	}
}
