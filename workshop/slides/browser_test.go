package main

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The slides in a real browser. Headless Chromium opens the page with
// ?self-test=NAME; the page's own script presses keys (arrows, space, page
// down) until the slide that runs NAME is shown, clicks its Run button and
// waits for the server, which builds NAME for real under each Go on
// record that is installed. Chromium then dumps the page, and the test
// holds what the page shows to what the runner or the lab prints for NAME
// under the same Go, as bin/workshop itself prints it.

// A selfTestReport is what the page's script writes into <pre id="self-test">.
type selfTestReport struct {
	Target, Slide, Pressed int
	Visible                bool
	Status, Waiting        string
	FontSize               float64
	Shown                  []struct {
		Go, Head, Output, WordBreak string
		FontSize                    float64
	}
}

var selfTestPre = regexp.MustCompile(`(?s)<pre id="self-test">(.*?)</pre>`)

func TestSlidesInBrowser(t *testing.T) {
	browser := chromium(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readWorkspace(t, root)
	workshop := filepath.Join(t.TempDir(), "workshop")
	build := exec.Command("go", "build", "-o", workshop, "./workshop")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./workshop: %v\n%s", err, out)
	}
	srv := httptest.NewServer((&server{workshop: workshopBackend(workshop)}).handler())
	defer srv.Close()
	for _, c := range []struct{ name, command string }{{"without-unsafe", "lab"}, {"pull", "run"}} {
		report := browse(t, browser, srv.URL+"/?self-test="+c.name)
		if report.Target <= 0 || report.Slide != report.Target || report.Pressed < report.Target || !report.Visible {
			t.Fatalf("%s: the page's keys did not reach its slide: %+v", c.name, report)
		}
		if report.Status != "" {
			t.Errorf("%s: the page says %q", c.name, report.Status)
		}
		// While it builds, the page says so, and under which Go.
		if !strings.HasPrefix(report.Waiting, "building under go1.") {
			t.Errorf("%s: while the Run builds, the page says %q", c.name, report.Waiting)
		}
		// Large type: at 1920 pixels wide, the body's text is at least 32px.
		if report.FontSize < 32 {
			t.Errorf("%s: the body's font is %gpx; the slides are read from the back of a room", c.name, report.FontSize)
		}
		if len(report.Shown) != len(recordedGo(t, root)) {
			t.Fatalf("%s: the page shows %d answers, want one per Go on record: %+v", c.name, len(report.Shown), report)
		}
		for i, v := range recordedGo(t, root) {
			shown := report.Shown[i]
			if shown.Go != v {
				t.Errorf("%s: answer %d is %s's, want %s's", c.name, i, shown.Go, v)
				continue
			}
			if !installed(v) {
				if !strings.Contains(shown.Head, "not installed") {
					t.Errorf("%s under %s, not installed: the page shows %q", c.name, v, shown.Head)
				}
				continue
			}
			// What make lab CASE=name (or make NAME) prints under v. The
			// slides build into bin/compare/v, apart from make's bin/.
			cmd := exec.Command(workshop, c.command, c.name)
			cmd.Dir, cmd.Env = root, append(os.Environ(), "GOTOOLCHAIN="+v)
			direct, err := cmd.Output()
			if err != nil {
				t.Fatalf("workshop %s %s under %s: %v\n%s", c.command, c.name, v, err, direct)
			}
			// Output in type the room reads, wrapped between words only.
			if shown.FontSize < 24 || shown.WordBreak != "normal" {
				t.Errorf("%s under %s: the output is %gpx, word-break %q; want at least 24px, broken between words", c.name, v, shown.FontSize, shown.WordBreak)
			}
			got := strings.ReplaceAll(shown.Output, "bin/compare/"+v+"/", "bin/")
			if got != string(direct) || !strings.Contains(shown.Head, "answers from "+v+" (as recorded)") {
				t.Errorf("%s under %s: the page shows\n%s\n%s\nbin/workshop %s %s prints\n%s", c.name, v, shown.Head, shown.Output, c.command, c.name, direct)
			}
		}
	}
}

// recordedGo asks bin/workshop's sources for the Go versions on record:
// workspace.go's list, as make docs writes it into workshop/README.md.
func recordedGo(t *testing.T, root string) []string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(root, "workshop", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, line, ok := strings.Cut(string(doc), "Recorded with ")
	line, _, _ = strings.Cut(line, ".\n")
	if !ok {
		t.Fatal("workshop/README.md does not say which Go versions are on record")
	}
	return strings.Split(line, " and ")
}

// installed reports whether the go command reaches toolchain v without
// the module proxy: the local one, or one in the module cache.
func installed(v string) bool {
	cmd := exec.Command("go", "env", "GOVERSION")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+v, "GOPROXY=off")
	out, err := cmd.Output()
	return err == nil && strings.TrimSpace(string(out)) == v
}

// browse opens url in headless Chromium, waits until the page's script is
// done (virtual time stands still while a request is out), and returns the
// page's self-test report.
func browse(t *testing.T, browser, url string) (report selfTestReport) {
	t.Helper()
	browseInto(t, browser, url, &report)
	return report
}

// browseInto is browse, for any report.
func browseInto(t *testing.T, browser, url string, report any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir="+t.TempDir(),
		"--window-size=1920,1080", "--virtual-time-budget=180000", "--dump-dom", url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	m := selfTestPre.FindSubmatch(dom)
	if m == nil || len(m[1]) == 0 {
		t.Fatalf("the page wrote no self-test report; chromium dumped:\n%.3000s\n%s", dom, stderr.String())
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), report); err != nil {
		t.Fatalf("the self-test report: %v\n%s", err, m[1])
	}
}

// Every slide fits a 1920x1080 screen without scrolling (code shrinks to
// fit), code never breaks across lines, and the forms table is in type
// the room reads.
func TestSlidesLayout(t *testing.T) {
	browser := chromium(t)
	srv := deckServer(t)
	var report struct {
		Slides               int
		Overflowing, Wrapped []string
		TableFontSize        float64
		CodeWhiteSpace       string
	}
	browseInto(t, browser, srv.URL+"/?self-test=layout", &report)
	if report.Slides < 20 || len(report.Overflowing) > 0 || len(report.Wrapped) > 0 || report.CodeWhiteSpace != "nowrap" {
		t.Errorf("of %d slides, these do not fit the screen: %q; this code breaks across lines: %q; code's white-space: %q", report.Slides, report.Overflowing, report.Wrapped, report.CodeWhiteSpace)
	}
	if report.TableFontSize < 24 {
		t.Errorf("the forms table's text is %gpx; want at least 24px at 1920x1080", report.TableFontSize)
	}
}

// The presenter's window (?notes) follows the slide another window of
// the deck shows, and shows that slide's notes alone.
func TestSlidesPresenterView(t *testing.T) {
	browser := chromium(t)
	srv := deckServer(t)
	var report struct {
		Target, Slide            int
		NotesVisible, BodyHidden bool
	}
	browseInto(t, browser, srv.URL+"/?notes&self-test=presenter", &report)
	if report.Target <= 0 || report.Slide != report.Target || !report.NotesVisible || !report.BodyHidden {
		t.Errorf("the presenter's window: %+v; want it on slide %d, notes shown, the slide's body hidden", report, report.Target)
	}
}

// chromium is the browser, or the test is skipped where it is missing.
// CI installs it first (.ci/run), so there a missing browser is a
// failure, never a quiet skip.
func chromium(t *testing.T) string {
	t.Helper()
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed, and CI must run the slides' browser test: workshop/install-browser.sh installs it (Debian's chromium package)")
		}
		t.Skip("chromium is not installed, so the slides' browser test is skipped: workshop/install-browser.sh installs it (Debian's chromium package)")
	}
	return browser
}

// deckServer serves the deck as bin/workshop writes it, with no Run.
func deckServer(t *testing.T) *httptest.Server {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readWorkspace(t, root)
	srv := httptest.NewServer((&server{workshop: func(args ...string) ([]byte, error) {
		cmd := exec.Command("go", append([]string{"run", "./workshop"}, args...)...)
		cmd.Dir = root
		return cmd.Output()
	}}).handler())
	t.Cleanup(srv.Close)
	return srv
}

// readWorkspace reads every file the deck and the builds come from (the
// workspace but bin/, scratch/ and git's files) in this process: go test
// caches a result until a file the test read changes, and it cannot see
// what bin/workshop reads.
func readWorkspace(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(file string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel, _ := filepath.Rel(root, file); rel == "bin" || rel == "scratch" || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		_, err = os.ReadFile(file)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
