// Command slides serves the workshop's slides on this machine: make
// slides builds it and runs it. The page and every Run come from
// bin/workshop (its slides-page and slides-run commands), which writes
// the deck from the workspace and builds through the runner and the lab;
// this program only listens, on a loopback address, and passes requests
// on, one Run at a time.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"example.com/linkname/workshop/runner"
)

const defaultAddr = "127.0.0.1:3999"

// A backend runs bin/workshop with args and returns its standard output;
// an error carries what it printed on standard error.
type backend func(args ...string) ([]byte, error)

// workshopBackend runs the bin/workshop at path.
func workshopBackend(path string) backend {
	return func(args ...string) ([]byte, error) {
		out, err := runner.Proc{}.Output(path, args...)
		if e, ok := err.(*runner.Error); ok && e.Stderr != "" {
			err = errors.New(e.Stderr) // bin/workshop's own words
		}
		return out, err
	}
}

type server struct {
	workshop backend
	log      io.Writer  // the console: one line when each Run starts, one when it ends
	goes     string     // the Go a Run builds under, for the console
	mu       sync.Mutex // one Run at a time: runs share bin/
}

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.serveDeck)
	mux.HandleFunc("POST /run", s.serveRun)
	return mux
}

func (s *server) serveDeck(w http.ResponseWriter, r *http.Request) {
	page, err := s.workshop("slides-page")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Nothing but this page: no script, style, image or connection from
	// anywhere else.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:")
	w.Write(page)
}

func (s *server) serveRun(w http.ResponseWriter, r *http.Request) {
	name := r.FormValue("name")
	if name == "" || strings.HasPrefix(name, "-") {
		http.Error(w, "say which example or lab case to run: name=pull", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	fmt.Fprintf(s.logTo(), "run %s: building under %s...\n", name, s.goes)
	began := time.Now()
	answer, err := s.workshop("slides-run", name)
	took := time.Since(began).Round(100 * time.Millisecond)
	s.mu.Unlock()
	if err != nil {
		fmt.Fprintf(s.logTo(), "run %s: refused after %s: %v\n", name, took, err)
		// The one way slides-run fails: no such example or case.
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	fmt.Fprintf(s.logTo(), "run %s: answered in %s\n", name, took)
	w.Header().Set("Content-Type", "application/json")
	w.Write(answer)
}

func (s *server) logTo() io.Writer {
	if s.log == nil {
		return io.Discard
	}
	return s.log
}

// listenAddr turns ADDR (a port, :port or host:port) into a loopback
// address: the slides build code on request, so they listen only on this
// machine.
func listenAddr(addr string) (string, error) {
	if addr == "" {
		return defaultAddr, nil
	}
	if !strings.Contains(addr, ":") {
		addr = ":" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("ADDR=%s: %v (give a port, such as ADDR=8080)", addr, err)
	}
	if host == "" || host == "localhost" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("ADDR=%s: the slides listen only on this machine (127.0.0.1): a page that builds code must not be reachable from the room's network", addr)
	}
	return net.JoinHostPort(host, port), nil
}

func main() {
	workshop := flag.String("workshop", "bin/workshop", "the bin/workshop that writes the page and builds each Run")
	addrFlag := flag.String("addr", "", "where to listen: a port or host:port on this machine (default "+defaultAddr+")")
	goes := flag.String("goes", "", "the Go toolchains a Run builds under, for the banner")
	flag.Parse()
	addr, err := listenAddr(*addrFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "slides:", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "slides: %v (another port: make slides ADDR=8080)\n", err)
		os.Exit(1)
	}
	fmt.Printf("slides: http://%s/\n", ln.Addr())
	fmt.Printf("  presenter view, for your own screen: http://%s/?notes (the notes alone, following this deck's slides)\n", ln.Addr())
	fmt.Printf("  keys: arrows, space, page up/down to move; n shows the notes on the slide itself. Run builds under: %s. Ctrl-C stops.\n", *goes)
	err = http.Serve(ln, (&server{workshop: workshopBackend(*workshop), log: os.Stdout, goes: *goes}).handler())
	if !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "slides:", err)
		os.Exit(1)
	}
}
