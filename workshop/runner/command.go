package runner

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// A Proc says how to run a program: the one way the workshop starts
// another process. It uses os.StartProcess rather than os/exec, whose
// packages a first make run-all would otherwise compile on an empty build
// cache.
type Proc struct {
	Dir     string        // where it runs ("": this process's folder)
	Env     []string      // its environment (nil: this process's)
	Timeout time.Duration // how long it may run before it is stopped (0: no limit)
	// Stdout and Stderr take what it prints (nil: nothing is kept); one
	// writer may take both. A program started with os.Stdout keeps the
	// terminal.
	Stdout, Stderr io.Writer
}

// An Error is a program that did not run to a zero exit: the command as a
// reader would type it, how it ended, and what it printed on standard
// error when that was kept apart from its output.
type Error struct {
	Command string
	Code    int // its exit code; -1 when it did not start or was stopped
	Err     error
	Stderr  string // trimmed
}

func (e *Error) Error() string {
	msg := e.Command + ": " + e.Err.Error()
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	}
	return msg
}

// Output runs the program and returns its standard output. What it prints
// on standard error goes to p.Stderr when that is set, and otherwise into
// the error, if there is one.
func (p Proc) Output(name string, args ...string) ([]byte, error) {
	var out, stderr strings.Builder
	p.Stdout = &out
	if p.Stderr == nil {
		p.Stderr = &stderr
	}
	_, err := p.Run(name, args...)
	if e, ok := err.(*Error); ok {
		e.Stderr = strings.TrimSpace(stderr.String())
	}
	return []byte(out.String()), err
}

// Combined runs the program and returns what it printed, standard output
// and standard error together, in order.
func (p Proc) Combined(name string, args ...string) ([]byte, error) {
	var out strings.Builder
	p.Stdout, p.Stderr = &out, &out
	_, err := p.Run(name, args...)
	return []byte(out.String()), err
}

// Run runs a program found on PATH (or at name, when it has a slash; a
// relative one is taken from this process's folder, even with p.Dir) with
// no standard input, and waits for it. It returns how the program ended;
// one that does not exit zero is an *Error.
func (p Proc) Run(name string, args ...string) (*os.ProcessState, error) {
	fail := func(code int, err error) error {
		return &Error{Command: strings.TrimSuffix(strings.TrimPrefix(ShellLine(name, args...), "$ "), "\n"), Code: code, Err: err}
	}
	path, err := lookPath(name)
	if err != nil {
		return nil, fail(-1, err)
	}
	if p.Dir != "" && !strings.HasPrefix(path, "/") && !strings.Contains(path, `:\`) {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fail(-1, err)
		}
		path = wd + "/" + path
	}
	stdin, err := os.Open(os.DevNull)
	if err != nil {
		return nil, fail(-1, err)
	}
	defer stdin.Close()
	// Each writer that is not a file gets a pipe, copied while the program
	// runs; one writer for both streams gets one pipe.
	var files [2]*os.File
	var ours []*os.File // the pipes' ends the child writes to
	var copies []func()
	for i, w := range []io.Writer{p.Stdout, p.Stderr} {
		if f, ok := w.(*os.File); ok {
			files[i] = f
			continue
		}
		if i == 1 && w == p.Stdout && w != nil {
			files[1] = files[0]
			continue
		}
		if w == nil {
			w = io.Discard
		}
		r, wr, err := os.Pipe()
		if err != nil {
			closeAll(ours)
			return nil, fail(-1, err)
		}
		files[i] = wr
		ours = append(ours, wr)
		copies = append(copies, func() {
			io.Copy(w, r)
			r.Close()
		})
	}
	proc, err := os.StartProcess(path, append([]string{name}, args...), &os.ProcAttr{Dir: p.Dir, Env: p.Env, Files: []*os.File{stdin, files[0], files[1]}})
	// The child holds its own ends of the pipes now: close ours, so that
	// each copy ends when the child exits.
	closeAll(ours)
	if err != nil {
		for _, c := range copies {
			c()
		}
		return nil, fail(-1, err)
	}
	if p.Timeout > 0 {
		t := time.AfterFunc(p.Timeout, func() { proc.Kill() })
		defer t.Stop()
	}
	done := make(chan struct{}, len(copies))
	for _, c := range copies {
		go func() {
			c()
			done <- struct{}{}
		}()
	}
	for range copies {
		<-done
	}
	state, err := proc.Wait()
	if err != nil {
		return nil, fail(-1, err)
	}
	if !state.Success() {
		return state, fail(state.ExitCode(), fmt.Errorf("%s", state))
	}
	return state, nil
}

// lookPath finds a program as a shell would: a name with a slash is a
// path, any other is looked for in each folder of PATH.
func lookPath(name string) (string, error) {
	if strings.ContainsAny(name, `/\`) {
		return name, nil
	}
	for _, dir := range strings.Split(os.Getenv("PATH"), string(os.PathListSeparator)) {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + name + ExeSuffix()
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("not found in PATH")
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
