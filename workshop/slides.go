package main

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"example.com/linkname/workshop/runner"
)

// make slides: the session as slides, served from the workspace on
// localhost by bin/slides (workshop/slides). The deck is written, on every load of the page, from the
// same sources as the documents: TEACHING.md's plan gives the parts and
// the speaker notes, the example and lab files give the code, the
// directives give the diagrams (diagram.go), forms.go gives the forms
// table and plan.go the questions. A Run control on an example or a lab
// case builds it for real, under each Go on record that is installed,
// through the runner or the lab (compare.go), and shows what each
// toolchain printed side by side. The page carries its own style and
// script; it loads nothing else.

// teachingGuide is the plan, whose parts and prose the slides follow.
const teachingGuide = "TEACHING.md"

// A slide is one screen of the deck.
type slide struct {
	Kind  string        // title, part, code, example, case, exercise, forms
	Title string        // shown large at the top
	Lead  template.HTML // the question or the point, above the Run control
	Body  template.HTML // what the slide shows
	Run   string        // the example or lab case its Run control builds; "" for none
	Notes template.HTML // the speaker notes
}

// A guidePart is one "### " section of TEACHING.md's plan or extension.
type guidePart struct {
	title    string
	text     string   // its lines, console blocks and tables included
	commands []string // the commands of its console blocks
}

// guideParts reads the "### " sections under TEACHING.md's "## The plan"
// and "## The extension" headings, and the plan's table.
func guideParts(src string) (parts []guidePart, planTable string) {
	top := ""
	var cur *guidePart
	var console consoleBlocks
	for _, line := range strings.Split(src, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			top, cur = strings.TrimPrefix(line, "## "), nil
			continue
		case strings.HasPrefix(line, "### ") && (top == "The plan" || top == "The extension"):
			parts = append(parts, guidePart{title: strings.TrimPrefix(line, "### ")})
			cur = &parts[len(parts)-1]
			continue
		}
		if top == "The plan" && cur == nil && strings.HasPrefix(line, "|") {
			planTable += line + "\n"
		}
		if cur == nil {
			continue
		}
		if command, _, ok := console.command(line); ok {
			cur.commands = append(cur.commands, command)
		}
		cur.text += line + "\n"
	}
	return parts, planTable
}

// consoleBlocks follows a Markdown text's console blocks, which hold
// commands only ("$ make lab  # a comment"), line by line.
type consoleBlocks struct{ in bool }

// command is line's command and comment when line is inside a console
// block; a line there without the prompt is a command too, but not ok.
func (c *consoleBlocks) command(line string) (command, comment string, inside bool) {
	switch {
	case line == "```console":
		c.in = true
		return "", "", false
	case line == "```":
		c.in = false
	}
	if !c.in {
		return "", "", false
	}
	command, comment, _ = strings.Cut(strings.TrimPrefix(line, "$ "), " #")
	return strings.TrimSpace(command), comment, true
}

// prose is a part's text as speaker notes: paragraphs and "- " lists of
// Markdown, with the generated markers, tables and console blocks left
// out.
func (p guidePart) prose() template.HTML {
	var paragraphs []string
	var cur []string   // the open paragraph's lines, or the open item's
	var items []string // the open list's items, done
	inList := false
	flush := func() {
		switch {
		case inList:
			if len(cur) > 0 {
				items = append(items, "<li>"+inlineMarkdown(strings.Join(cur, " "))+"</li>")
			}
			paragraphs = append(paragraphs, "<ul>"+strings.Join(items, "")+"</ul>")
			items, inList = nil, false
		case len(cur) > 0:
			paragraphs = append(paragraphs, "<p>"+inlineMarkdown(strings.Join(cur, " "))+"</p>")
		}
		cur = nil
	}
	inFence := false
	for _, line := range strings.Split(p.text, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			inFence = !inFence
			flush()
		case inFence:
			paragraphs = append(paragraphs, "<pre>"+html.EscapeString(line)+"</pre>")
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "|") || strings.HasPrefix(line, "<!--"):
			flush()
		case strings.HasPrefix(line, "- "):
			if !inList {
				flush()
				inList = true
			} else if len(cur) > 0 {
				items = append(items, "<li>"+inlineMarkdown(strings.Join(cur, " "))+"</li>")
			}
			cur = []string{strings.TrimSpace(strings.TrimPrefix(line, "- "))}
		default:
			cur = append(cur, strings.TrimSpace(line))
		}
	}
	flush()
	return template.HTML(strings.Join(paragraphs, "\n"))
}

var inlineCode = regexp.MustCompile("`([^`]+)`")

// inlineMarkdown escapes text and turns `code` spans into <code>.
func inlineMarkdown(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range inlineCode.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(html.EscapeString(text[last:m[0]]))
		b.WriteString("<code>" + html.EscapeString(text[m[2]:m[3]]) + "</code>")
		last = m[1]
	}
	b.WriteString(html.EscapeString(text[last:]))
	return b.String()
}

// cellMarkdown is inlineMarkdown for a table cell's text, whose lines
// (one per Go version, in the documents' tables) are joined by <br>.
func cellMarkdown(text string) string {
	return strings.ReplaceAll(inlineMarkdown(text), "&lt;br&gt;", "<br>")
}

// markdownTable renders a Markdown table (its first row the header) as HTML.
func markdownTable(table string) string {
	var b strings.Builder
	b.WriteString("<table>")
	row := 0
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "|---") || strings.HasPrefix(line, "| ---") || line == "" {
			continue
		}
		line = strings.ReplaceAll(line, `\|`, "\x00")
		cells := strings.Split(strings.Trim(line, "|"), "|")
		tag := "td"
		if row == 0 {
			tag = "th"
		}
		b.WriteString("<tr>")
		for _, c := range cells {
			c = cellMarkdown(strings.ReplaceAll(strings.TrimSpace(c), "\x00", "|"))
			fmt.Fprintf(&b, "<%s>%s</%s>", tag, c, tag)
		}
		b.WriteString("</tr>")
		row++
	}
	b.WriteString("</table>")
	return b.String()
}

// slideDirs are the folders whose files a part may show as code.
func slideDirs() []string {
	return append([]string{"bar", "foo"}, exampleNames()...)
}

var backquoted = regexp.MustCompile("`([^`\n]+)`")

// buildDeck writes the deck from the workspace's sources.
func buildDeck() ([]slide, error) {
	src, err := os.ReadFile(teachingGuide)
	if err != nil {
		return nil, err
	}
	parts, planTable := guideParts(string(src))
	if len(parts) == 0 {
		return nil, fmt.Errorf("%s has no \"### \" parts under \"## The plan\": the slides follow them", teachingGuide)
	}
	cases, err := loadLab(os.DirFS("."))
	if err != nil {
		return nil, err
	}
	caseByName := map[string]*labCase{}
	for _, c := range cases {
		caseByName[c.name] = c
	}
	deck := []slide{{
		Kind:  "title",
		Title: "//go:linkname",
		Body:  template.HTML("<p class=\"lead\">Pull, push, handshake: what the compiler and the linker allow, and what nobody checks.</p>" + markdownTable(planTable)),
		Notes: template.HTML("<p>" + inlineMarkdown("Move with the arrow keys, space or page up and down; n shows and hides these notes. Run builds the example or the lab case on this machine, under each Go on record that is installed, side by side.") + "</p>"),
	}}
	for _, p := range parts {
		notes := p.prose()
		deck = append(deck, slide{Kind: "part", Title: p.title, Body: partBody(p), Notes: notes})
		// What the part mentions, in the order it mentions it: files to
		// show, examples to run, lab cases to vote on, exercises, the
		// forms table.
		type item struct {
			at    int
			slide slide
		}
		var items []item
		seen := map[string]bool{}
		for _, m := range backquoted.FindAllStringSubmatchIndex(p.text, -1) {
			word := p.text[m[2]:m[3]]
			if seen[word] {
				continue
			}
			switch {
			case isSlideFile(word) && inOpenParagraph(p.text, m[0]):
				seen[word] = true
				code, err := os.ReadFile(word)
				if err != nil {
					return nil, err
				}
				items = append(items, item{m[0], slide{Kind: "code", Title: word, Body: codeBlock(string(code)), Notes: notes}})
			case caseByName[word] != nil && votedHere(p.text, m[0], m[1]):
				seen[word] = true
				s, err := caseSlide(caseByName[word])
				if err != nil {
					return nil, err
				}
				items = append(items, item{m[0], s})
			case exerciseNamed(word) != nil:
				seen[word] = true
				items = append(items, item{m[0], exerciseSlide(*exerciseNamed(word))})
			}
		}
		for _, c := range p.commands {
			name, ok := strings.CutPrefix(c, "make ")
			if e, isExample := exampleNamed(name); ok && isExample && !seen["make "+name] {
				seen["make "+name] = true
				s, err := exampleSlide(e, notes)
				if err != nil {
					return nil, err
				}
				items = append(items, item{strings.Index(p.text, "$ make "+name), s})
			}
		}
		if at := strings.Index(p.text, "the forms table"); at >= 0 {
			table, err := formsTable()
			if err != nil {
				return nil, err
			}
			shown, evidence := lastColumnApart(table)
			items = append(items, item{at, slide{Kind: "forms", Title: "Three forms, side by side", Body: template.HTML(markdownTable(shown)), Notes: notes + evidence}})
		}
		sort.SliceStable(items, func(i, j int) bool { return items[i].at < items[j].at })
		for _, it := range items {
			deck = append(deck, it.slide)
		}
	}
	return deck, nil
}

// lastColumnApart splits a Markdown table's last column (the forms
// table's lab evidence) from it: the room reads the rest in large type,
// and the teacher finds the evidence in the notes, row by row.
func lastColumnApart(table string) (string, template.HTML) {
	var kept strings.Builder
	var rows []string
	for i, line := range strings.Split(strings.TrimSpace(table), "\n") {
		cut := strings.LastIndex(strings.TrimSuffix(line, "|"), "|")
		kept.WriteString(line[:cut+1] + "\n")
		if i == 0 {
			rows = append(rows, "<p>"+cellMarkdown(strings.TrimSpace(line[cut+1:len(line)-1]))+":</p><ul>")
			continue
		}
		if first, _, _ := strings.Cut(strings.Trim(line, "| "), "|"); !strings.HasPrefix(line, "|---") {
			rows = append(rows, "<li>"+cellMarkdown(strings.TrimSpace(first))+": "+cellMarkdown(strings.TrimSpace(line[cut+1:len(line)-1]))+"</li>")
		}
	}
	return kept.String(), template.HTML(strings.Join(rows, "") + "</ul>")
}

// inOpenParagraph reports whether text[at] lies in a paragraph that
// starts with "Open": the files a part tells the teacher to open are the
// ones it shows.
func inOpenParagraph(text string, at int) bool {
	start := strings.LastIndex(text[:at], "\n\n") + 1 // -1 + 1: the part's start
	return strings.HasPrefix(strings.TrimLeft(text[start:], "\n"), "Open ")
}

// votedHere reports whether the case quoted at text[start:end] is put to
// the vote in this part: a core row of a vote table, or an item of the
// extension's list.
func votedHere(text string, start, end int) bool {
	lineStart := strings.LastIndex(text[:start], "\n") + 1
	before, after := text[lineStart:start], text[end:]
	return before == "| " && strings.HasPrefix(after, " | core |") || before == "- "
}

func isSlideFile(word string) bool {
	dir, _, ok := strings.Cut(word, "/")
	if !ok || !slices.Contains(slideDirs(), dir) || !strings.HasSuffix(word, ".go") && !strings.HasSuffix(word, ".s") {
		return false
	}
	return fileExists(word)
}

func exerciseNamed(name string) *exerciseSpec {
	for i := range exerciseList {
		if exerciseList[i].name == name {
			return &exerciseList[i]
		}
	}
	return nil
}

// partBody lists what participants type in the part.
func partBody(p guidePart) template.HTML {
	if len(p.commands) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<p class="lead">Type along:</p><pre class="commands">`)
	for _, c := range p.commands {
		b.WriteString("$ " + html.EscapeString(c) + "\n")
	}
	b.WriteString("</pre>")
	return template.HTML(b.String())
}

func codeBlock(code string) template.HTML {
	return template.HTML(`<pre class="code">` + html.EscapeString(withoutRegionMarkers(code)) + "</pre>")
}

func exampleSlide(e example, notes template.HTML) (slide, error) {
	svg, err := diagramSVG(e)
	if err != nil {
		return slide{}, err
	}
	lead := `<p class="small">Run builds <code>./` + e.name + "</code> as <code>make " + e.name + "</code> does, and runs it.</p>"
	return slide{Kind: "example", Title: "make " + e.name, Lead: template.HTML(svg + lead), Run: e.name, Notes: notes}, nil
}

// caseSlide shows the question, the case file and a Run control; the
// notes hold what the case breaks, why, and what is on record: the
// teacher's answer key.
func caseSlide(c *labCase) (slide, error) {
	v, err := voteFor(c.name)
	if err != nil {
		return slide{}, err
	}
	code, err := os.ReadFile(c.file)
	if err != nil {
		return slide{}, err
	}
	lead := `<p class="lead">` + inlineMarkdown(v.ask) + `</p>`
	body := `<p class="small">` + html.EscapeString(c.file) + `, without its header (which holds the answer):</p>` + string(codeBlock(withoutLabHeader(string(code))))
	var notes strings.Builder
	fmt.Fprintf(&notes, "<p>%s</p><p>Why: %s</p><p>On record:</p><ul>", inlineMarkdown(c.title), cellMarkdown(whyCell(c)))
	for _, check := range c.checks {
		fmt.Fprintf(&notes, "<li>%s</li>", cellMarkdown(describeCheck(check)))
	}
	notes.WriteString("</ul>")
	return slide{Kind: "case", Title: "lab: " + c.name, Lead: template.HTML(lead), Body: template.HTML(body), Run: c.name, Notes: template.HTML(notes.String())}, nil
}

// withoutLabHeader drops a case file's opening comment (what it breaks and
// why) and its //lab: lines: on the screen they would give the answer away.
func withoutLabHeader(src string) string {
	lines := strings.SplitAfter(src, "\n")
	i := 0
	for i < len(lines) && strings.HasPrefix(lines[i], "//") {
		i++
	}
	var b strings.Builder
	for _, line := range lines[i:] {
		if !strings.HasPrefix(line, "//lab:") {
			b.WriteString(line)
		}
	}
	return strings.TrimLeft(b.String(), "\n")
}

func exerciseSlide(ex exerciseSpec) slide {
	body := `<p class="lead">` + html.EscapeString(ex.goal) + `</p><pre class="commands">` +
		html.EscapeString(fmt.Sprintf("$ make exercise EX=%s\n$ make check EX=%s\n$ make hint EX=%s\n", ex.name, ex.name, ex.name)) + "</pre>"
	return slide{Kind: "exercise", Title: "Exercise: " + ex.name, Body: template.HTML(body), Notes: template.HTML("<p>Hint: " + html.EscapeString(ex.hint) + "</p>")}
}

// The server itself, with net/http, is a program of its own,
// workshop/slides (bin/slides): keeping it out of bin/workshop keeps the
// network stack out of the build that every make target waits for. It
// asks bin/workshop for the page (slides-page) and for each Run
// (slides-run NAME), so the deck and the builds stay here.

// slidesCommand is `workshop slides [-addr ADDR]`: it builds bin/slides,
// which the go command skips when it is up to date, and runs it.
func slidesCommand(args []string) bool {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "slides:", err)
		return false
	}
	if _, err := buildDeck(); err != nil {
		fmt.Fprintln(os.Stderr, "slides:", err)
		return false
	}
	if !fileExists(filepath.Join("bin", "slides"+exeSuffix())) {
		fmt.Fprintln(os.Stderr, "building bin/slides, the server (the first build also compiles net/http)")
	}
	if _, err := (runner.Proc{Stdout: os.Stderr, Stderr: os.Stderr}).Run("go", "build", "-o", "bin/", "./workshop/slides"); err != nil {
		fmt.Fprintln(os.Stderr, "slides:", err)
		return false
	}
	var installed []string
	for _, v := range recordedGo {
		if goInstalled(v) {
			installed = append(installed, v)
		}
	}
	_, err = runner.Proc{Stdout: os.Stdout, Stderr: os.Stderr}.Run(filepath.Join("bin", "slides"+exeSuffix()), append([]string{"-workshop", self, "-goes", strings.Join(installed, ", ")}, args...)...)
	return err == nil
}

// slidesPage is `workshop slides-page`: the page, written to standard
// output from the workspace as it is now.
func slidesPage(args []string) bool {
	if err := writeSlidesPage(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "the slides could not be written from the workspace:", err)
		return false
	}
	return true
}

func writeSlidesPage(w io.Writer) error {
	deck, err := buildDeck()
	if err != nil {
		return err
	}
	var installed []string
	for _, v := range recordedGo {
		if goInstalled(v) {
			installed = append(installed, v)
		}
	}
	return pageTemplate.Execute(w, struct {
		Slides []slide
		Goes   string // the Go a Run builds under, for its "building" line
	}{deck, strings.Join(installed, " and ")})
}

// A runAnswer is what a Run control gets: the name, and one answer per
// Go on record, in recordedGo's order.
type runAnswer struct {
	Name    string     `json:"name"`
	Answers []goAnswer `json:"answers"`
}

// slidesRun is `workshop slides-run NAME`: the example or case built
// under each Go on record that is installed, as JSON on standard output.
func slidesRun(args []string) bool {
	return writeRunAnswer(os.Stdout, os.Stderr, args, func(t runTarget) []goAnswer {
		return answersUnder(t, goInstalled, compareTools)
	})
}

// writeRunAnswer writes the answers for the one name in args, or says on
// stderr why there is none.
func writeRunAnswer(w, stderr io.Writer, args []string, answers func(runTarget) []goAnswer) bool {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: workshop slides-run NAME (an example or a lab case)")
		return false
	}
	t, err := findRunTarget(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return false
	}
	return json.NewEncoder(w).Encode(runAnswer{Name: t.name, Answers: answers(t)}) == nil
}
