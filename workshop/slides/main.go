// Command slides serves the workshop's slides on this machine: make
// slides builds it and runs it. The page and every Run come from
// bin/workshop (its slides-page and slides-run commands), which writes
// the deck from the workspace and builds through the runner and the lab;
// this program only listens, on a loopback address, and passes requests
// on, one Run at a time.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
)

const defaultAddr = "127.0.0.1:3999"

// A backend runs bin/workshop with args and returns its standard output;
// an error carries what it printed on standard error.
type backend func(args ...string) ([]byte, error)

// workshopBackend runs the bin/workshop at path.
func workshopBackend(path string) backend {
	return func(args ...string) ([]byte, error) {
		cmd := exec.Command(path, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			err = fmt.Errorf("%s", strings.TrimSpace(stderr.String()))
		}
		return out, err
	}
}

type server struct {
	workshop backend
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
	answer, err := s.workshop("slides-run", name)
	s.mu.Unlock()
	if err != nil {
		// The one way slides-run fails: no such example or case.
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(answer)
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
	fmt.Printf("  keys: arrows, space, page up/down to move; n for the speaker notes (?notes in the address: from the start). Run builds under: %s. Ctrl-C stops.\n", *goes)
	err = http.Serve(ln, (&server{workshop: workshopBackend(*workshop)}).handler())
	if !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "slides:", err)
		os.Exit(1)
	}
}
