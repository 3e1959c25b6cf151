package main

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fakeWorkshop stands in for bin/workshop: the page, a JSON answer for
// pull, and slides-run's refusal for any other name.
func fakeWorkshop(calls *[][]string) backend {
	return func(args ...string) ([]byte, error) {
		*calls = append(*calls, args)
		switch {
		case slices.Equal(args, []string{"slides-page"}):
			return []byte("<!DOCTYPE html><p>the deck</p>"), nil
		case slices.Equal(args, []string{"slides-run", "pull"}):
			return []byte(`{"name":"pull","answers":[]}` + "\n"), nil
		}
		return nil, errors.New(`no example or lab case "` + args[len(args)-1] + `": the examples are pull, push`)
	}
}

func request(t *testing.T, srv *httptest.Server, method, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// GET / is bin/workshop's page, with a policy that lets the browser load
// nothing from anywhere else; POST /run passes the name to slides-run and
// its JSON back; a name slides-run refuses is a 404 with its words; a
// missing name, or one that would pass as a flag, never reaches it.
func TestHandlers(t *testing.T) {
	var calls [][]string
	var console strings.Builder
	srv := httptest.NewServer((&server{workshop: fakeWorkshop(&calls), log: &console, goes: "go1.26.8"}).handler())
	defer srv.Close()

	resp, body := request(t, srv, "GET", "/", nil)
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != 200 || body != "<!DOCTYPE html><p>the deck</p>" || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("GET /: %s %q, policy %q", resp.Status, body, csp)
	}
	resp, body = request(t, srv, "POST", "/run", url.Values{"name": {"pull"}})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || body != `{"name":"pull","answers":[]}`+"\n" {
		t.Errorf("POST /run pull: %s %q", resp.Status, body)
	}
	resp, body = request(t, srv, "POST", "/run", url.Values{"name": {"no-such"}})
	if resp.StatusCode != 404 || !strings.Contains(body, `no example or lab case "no-such"`) {
		t.Errorf("POST /run no-such: %s %q", resp.Status, body)
	}
	// The console says each Run as it starts and how it ended.
	if got := regexp.MustCompile(`[0-9.]+m?s\b`).ReplaceAllString(console.String(), "T"); got != "run pull: building under go1.26.8...\nrun pull: answered in T\n"+
		"run no-such: building under go1.26.8...\nrun no-such: refused after T: no example or lab case \"no-such\": the examples are pull, push\n" {
		t.Errorf("the server's console says:\n%s", console.String())
	}
	before := len(calls)
	for _, form := range []url.Values{{}, {"name": {"-addr=x"}}} {
		if resp, body := request(t, srv, "POST", "/run", form); resp.StatusCode != 400 {
			t.Errorf("POST /run %v: %s %q", form, resp.Status, body)
		}
	}
	if resp, _ := request(t, srv, "GET", "/run?name=pull", nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /run: %s", resp.Status)
	}
	if resp, _ := request(t, srv, "GET", "/other", nil); resp.StatusCode != 404 {
		t.Errorf("GET /other: %s", resp.Status)
	}
	if len(calls) != before {
		t.Errorf("bin/workshop was called with %q", calls[before:])
	}
}

// The slides listen on this machine only.
func TestListenAddr(t *testing.T) {
	for _, c := range []struct{ in, want, problem string }{
		{"", defaultAddr, ""},
		{"8080", "127.0.0.1:8080", ""},
		{":8080", "127.0.0.1:8080", ""},
		{"localhost:9000", "127.0.0.1:9000", ""},
		{"[::1]:9000", "[::1]:9000", ""},
		{"0.0.0.0:8080", "", "only on this machine"},
		{"192.168.1.5:80", "", "only on this machine"},
		{"a:b:c", "", "give a port"},
	} {
		got, err := listenAddr(c.in)
		switch {
		case c.problem == "" && (err != nil || got != c.want):
			t.Errorf("listenAddr(%q) = %q, %v; want %q", c.in, got, err, c.want)
		case c.problem != "" && (err == nil || !strings.Contains(err.Error(), c.problem)):
			t.Errorf("listenAddr(%q) = %q, %v; want an error saying %q", c.in, got, err, c.problem)
		}
	}
}
