package main

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http/httptest"
	"os/exec"
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
// under the same Go.

// A selfTestReport is what the page's script writes into <pre id="self-test">.
type selfTestReport struct {
	Target, Slide, Pressed int
	Visible                bool
	Status                 string
	FontSize               float64
	Shown                  []struct{ Go, Head, Output string }
}

var selfTestPre = regexp.MustCompile(`(?s)<pre id="self-test">(.*?)</pre>`)

func TestSlidesInBrowser(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed, so the slides' browser test is skipped: workshop/install-browser.sh installs it (Debian's chromium package)")
	}
	srv := httptest.NewServer(newSlideServer().handler())
	defer srv.Close()
	for _, name := range []string{"without-unsafe", "pull"} {
		report := browse(t, browser, srv.URL+"/?self-test="+name)
		if report.Target <= 0 || report.Slide != report.Target || report.Pressed < report.Target || !report.Visible {
			t.Fatalf("%s: the page's keys did not reach its slide: %+v", name, report)
		}
		if report.Status != "" {
			t.Errorf("%s: the page says %q", name, report.Status)
		}
		// Large type: at 1920 pixels wide, the body's text is at least 32px.
		if report.FontSize < 32 {
			t.Errorf("%s: the body's font is %gpx; the slides are read from the back of a room", name, report.FontSize)
		}
		if len(report.Shown) != len(recordedGo) {
			t.Fatalf("%s: the page shows %d answers, want one per Go on record: %+v", name, len(report.Shown), report)
		}
		target, err := findRunTarget(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range recordedGo {
			shown := report.Shown[i]
			if shown.Go != v {
				t.Errorf("%s: answer %d is %s's, want %s's", name, i, shown.Go, v)
				continue
			}
			if !goInstalled(v) {
				if !strings.Contains(shown.Head, "not installed") {
					t.Errorf("%s under %s, not installed: the page shows %q", name, v, shown.Head)
				}
				continue
			}
			// What the runner or the lab itself prints for this case under v.
			var direct bytes.Buffer
			tc := compareToolchain(v)
			tc.out = &direct
			if target.example {
				runExamples(tc, []string{name})
			} else {
				runLab(tc, []string{name})
			}
			if shown.Output != direct.String() || !strings.Contains(shown.Head, "answers from "+v+" (as recorded)") {
				t.Errorf("%s under %s: the page shows\n%s\n%s\nthe toolchain, through the %s, prints\n%s", name, v, shown.Head, shown.Output,
					map[bool]string{true: "runner", false: "lab"}[target.example], direct.String())
			}
		}
	}
}

// browse opens url in headless Chromium, waits until the page's script is
// done (virtual time stands still while a request is out), and returns the
// page's self-test report.
func browse(t *testing.T, browser, url string) selfTestReport {
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
	var report selfTestReport
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &report); err != nil {
		t.Fatalf("the self-test report: %v\n%s", err, m[1])
	}
	return report
}
