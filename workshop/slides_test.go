package main

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fakeSlideServer answers every Run with a line per Go on record that
// names the target, and records what it was asked.
func fakeSlideServer(asked *[]runTarget) *slideServer {
	return &slideServer{answers: func(t runTarget) []goAnswer {
		*asked = append(*asked, t)
		var answers []goAnswer
		for i, v := range recordedGo {
			answers = append(answers, goAnswer{Go: v, Installed: i == 0, Output: v + " built " + t.name + "\n", OK: i == 0})
		}
		return answers
	}}
}

func getDeck(t *testing.T) (string, http.Header) {
	t.Helper()
	srv := httptest.NewServer(fakeSlideServer(new([]runTarget)).handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: %s\n%s", resp.Status, body)
	}
	return string(body), resp.Header
}

var sectionPattern = regexp.MustCompile(`(?s)<section class="slide (\w+)" id="slide-\d+"(?: data-run="([^"]*)")?>(.*?)</section>`)

// The deck is written from the workspace: every file a mode is shown by,
// as it is on disk; a diagram per example; the forms table; one slide with
// a Run control per example and per lab case; notes from TEACHING.md. And
// it loads nothing from anywhere.
func TestSlidesDeck(t *testing.T) {
	page, header := getDeck(t)
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
		if runs[name] != 1 {
			t.Errorf("%d slides run %s, want 1", runs[name], name)
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
	// Nothing from elsewhere: no src or href, no URL but the SVG namespace,
	// and a policy that forbids the browser to fetch anything else.
	outside := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
	for _, s := range []string{" src=", " href=", "http://", "https://", "<link", "@import"} {
		if strings.Contains(outside, s) {
			t.Errorf("the page holds %q: it must load nothing from anywhere", s)
		}
	}
	if csp := header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("Content-Security-Policy: %q", csp)
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

// POST /run builds the example or case named and returns each Go's
// answer; an unknown name is refused with the list; GET is not allowed.
func TestSlidesRun(t *testing.T) {
	var asked []runTarget
	srv := httptest.NewServer(fakeSlideServer(&asked).handler())
	defer srv.Close()
	for _, c := range []struct {
		name string
		want runTarget
	}{{"pull", runTarget{"pull", true}}, {"without-unsafe", runTarget{name: "without-unsafe"}}} {
		resp, err := http.PostForm(srv.URL+"/run", url.Values{"name": {c.name}})
		if err != nil {
			t.Fatal(err)
		}
		var got runAnswer
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /run %s: %s %v", c.name, resp.Status, err)
		}
		if got.Name != c.name || len(got.Answers) != len(recordedGo) || got.Answers[0].Output != recordedGo[0]+" built "+c.name+"\n" || got.Answers[1].Installed {
			t.Errorf("POST /run %s: %+v", c.name, got)
		}
		if asked[len(asked)-1] != c.want {
			t.Errorf("POST /run %s built %+v, want %+v", c.name, asked[len(asked)-1], c.want)
		}
	}
	resp, err := http.PostForm(srv.URL+"/run", url.Values{"name": {"no-such"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "runtime-assembly") || !strings.Contains(string(body), "pull, push") {
		t.Errorf("POST /run no-such: %s %s", resp.Status, body)
	}
	if resp, err := http.Get(srv.URL + "/run?name=pull"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /run: %v %v", resp.Status, err)
	}
	if len(asked) != 2 {
		t.Errorf("built %d times, want 2", len(asked))
	}
}

// The slides listen on this machine only.
func TestSlidesAddr(t *testing.T) {
	for _, c := range []struct{ in, want, problem string }{
		{"", defaultSlidesAddr, ""},
		{"8080", "127.0.0.1:8080", ""},
		{":8080", "127.0.0.1:8080", ""},
		{"localhost:9000", "127.0.0.1:9000", ""},
		{"[::1]:9000", "[::1]:9000", ""},
		{"0.0.0.0:8080", "", "only on this machine"},
		{"192.168.1.5:80", "", "only on this machine"},
	} {
		got, err := slidesAddr(c.in)
		switch {
		case c.problem == "" && (err != nil || got != c.want):
			t.Errorf("slidesAddr(%q) = %q, %v; want %q", c.in, got, err, c.want)
		case c.problem != "" && (err == nil || !strings.Contains(err.Error(), c.problem)):
			t.Errorf("slidesAddr(%q) = %q, %v; want an error saying %q", c.in, got, err, c.problem)
		}
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
	toolchainFor := func(v string) toolchain {
		return toolchain{
			goCmd: func(args ...string) ([]byte, error) { built = append(built, v); return nil, nil },
			run:   func(string) (string, error) { return out, nil },
			bin:   "bin/compare/" + v,
		}
	}
	installed := func(v string) bool { return v == recordedGo[0] }
	answers := answersUnder(runTarget{"pull", true}, installed, toolchainFor)
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
