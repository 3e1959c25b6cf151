package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
)

// firstClassPorts are Go's first-class ports (go.dev/wiki/PortingPolicy):
// -ports checks a program for each of them.
var firstClassPorts = []string{
	"linux/386", "linux/amd64", "linux/arm", "linux/arm64",
	"darwin/amd64", "darwin/arm64", "windows/386", "windows/amd64",
}

// otherRegisterABIPorts are the other ports whose register ABI linkcheck
// knows (abiRegisters), held to real builds with the first-class ones.
var otherRegisterABIPorts = []string{"linux/riscv64", "linux/ppc64le", "linux/loong64"}

// portEnv is the environment that makes the go command build for port
// ("linux/386"), after env.
func portEnv(env []string, port string) []string {
	goos, goarch, _ := strings.Cut(port, "/")
	return append(append([]string(nil), env...), "GOOS="+goos, "GOARCH="+goarch)
}

// A portCheck is the check of the program for one port.
type portCheck struct {
	port     string
	tc       *toolchain
	findings []finding
	program  bool // the patterns name a main package
	err      error
}

// portToolchains asks the go command about the Go that version names
// ("" for the one on PATH) for each port: each with its own environment
// (GOOS, GOARCH; cgo as the go command sets it for that port), build
// constraints, sizes and ABI.
func portToolchains(version string, env []string, ports []string) ([]*toolchain, error) {
	tcs := make([]*toolchain, len(ports))
	for i, port := range ports {
		tc, err := newToolchain(version, portEnv(env, port))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", port, err)
		}
		tcs[i] = tc
	}
	return tcs, nil
}

// checkPorts loads and checks the program with each toolchain, side by
// side.
func checkPorts(tcs []*toolchain, dir string, patterns []string, overlay string, opts options) []*portCheck {
	checks := make([]*portCheck, len(tcs))
	opts.noPromises = true
	var wg sync.WaitGroup
	busy := make(chan bool, runtime.GOMAXPROCS(0))
	for i, tc := range tcs {
		checks[i] = &portCheck{port: tc.goos + "/" + tc.goarch, tc: tc}
		wg.Add(1)
		go func(c *portCheck) {
			defer wg.Done()
			busy <- true
			defer func() { <-busy }()
			prog, err := load(c.tc, dir, patterns, overlay)
			if err != nil {
				c.err = err
				return
			}
			c.findings, c.program = analyze(prog, opts), prog.isProgram()
			c.tc.writing.Wait()
		}(checks[i])
	}
	wg.Wait()
	return checks
}

// A portsReport is what -ports prints: each port's result, and the lines
// whose verdict or signature safety differs between ports.
type portsReport struct {
	Go          string           `json:"go"`
	Ports       []portResult     `json:"ports"`
	Differences []portDifference `json:"differences"`
}

// A portResult sums up one port's check.
type portResult struct {
	Port       string `json:"port"`
	Cgo        bool   `json:"cgo"`
	Directives int    `json:"directives"`
	Errors     int    `json:"errors"`
	Result     string `json:"result"` // links, fails or unsafe
}

// A portDifference is one line that the ports do not see alike.
type portDifference struct {
	Module  string `json:"module"`
	Package string `json:"package"`
	Pos     string `json:"pos"`
	Local   string `json:"local"`
	Target  string `json:"target,omitempty"`
	Mode    string `json:"mode"`
	// Verdicts and Signatures group the ports by what they say of the
	// line: each group names its ports.
	Verdicts   []portVerdict   `json:"verdicts"`
	Signatures []portSignature `json:"signatures"`
}

type portVerdict struct {
	Ports  []string `json:"ports"`
	Link   string   `json:"link"` // links, fails, or excluded (also: not in that port's build)
	Reason string   `json:"reason,omitempty"`
	Fails  string   `json:"build_fails,omitempty"`
	Why    string   `json:"why,omitempty"`
}

type portSignature struct {
	Ports     []string `json:"ports"`
	Safe      bool     `json:"safe"`
	Signature string   `json:"signature,omitempty"`
	Risk      string   `json:"signature_risk,omitempty"`
	Diffs     []string `json:"signature_diffs,omitempty"`
}

// The results of one port.
const (
	portLinks  = "links"
	portFails  = "fails"
	portUnsafe = "unsafe"
)

// comparePorts builds the report from checks that all loaded.
func comparePorts(checks []*portCheck) *portsReport {
	r := &portsReport{Go: checks[0].tc.version, Ports: []portResult{}, Differences: []portDifference{}}
	type line struct {
		first portDifference
		by    map[string]finding // port -> its finding
	}
	var keys []string
	lines := map[string]*line{}
	for _, c := range checks {
		mine := outsideStd(c.findings)
		res := portResult{Port: c.port, Cgo: c.tc.cgo, Directives: countDirectives(mine), Errors: countErrors(mine), Result: portLinks}
		switch {
		case countFails(mine) > 0:
			res.Result = portFails
		case res.Errors > 0:
			res.Result = portUnsafe
		}
		r.Ports = append(r.Ports, res)
		for _, f := range c.findings {
			key := strings.Join([]string{f.Module, f.Pos, f.Local, f.Target}, "\x00")
			if lines[key] == nil {
				keys = append(keys, key)
				lines[key] = &line{first: portDifference{Module: f.Module, Package: f.Package, Pos: f.Pos, Local: f.Local, Target: f.Target, Mode: f.Mode},
					by: map[string]finding{}}
			}
			lines[key].by[c.port] = f
		}
	}
	for _, key := range keys {
		l := lines[key]
		d := l.first
		for _, c := range checks {
			f, built := l.by[c.port]
			v := portVerdict{Link: linkExcluded}
			if built && f.Link != linkExcluded {
				v = portVerdict{Link: f.Link, Reason: f.Reason}
				if f.Link == linkFails {
					v.Fails, v.Why = f.Fails, f.Why
				}
			}
			d.Verdicts = groupPort(d.Verdicts, v, c.port, func(a, b portVerdict) bool {
				return a.Link == b.Link && a.Reason == b.Reason && a.Fails == b.Fails
			})
			s := portSignature{Safe: true}
			if built && f.Link != linkExcluded {
				s = portSignature{Safe: f.Signature != sigIncompatible, Signature: f.Signature, Risk: f.Risk, Diffs: f.Diffs}
			}
			d.Signatures = groupPort(d.Signatures, s, c.port, func(a, b portSignature) bool {
				return a.Safe == b.Safe && a.Risk == b.Risk && slices.Equal(a.Diffs, b.Diffs)
			})
		}
		if len(d.Verdicts) > 1 || len(d.Signatures) > 1 {
			r.Differences = append(r.Differences, d)
		}
	}
	return r
}

// groupPort adds port to the group of groups that same matches with v,
// or to a new group.
func groupPort[T interface{ addPort(string) T }](groups []T, v T, port string, same func(a, b T) bool) []T {
	for i, g := range groups {
		if same(g, v) {
			groups[i] = g.addPort(port)
			return groups
		}
	}
	return append(groups, v.addPort(port))
}

func (v portVerdict) addPort(port string) portVerdict {
	v.Ports = append(slices.Clip(v.Ports), port)
	return v
}

func (s portSignature) addPort(port string) portSignature {
	s.Ports = append(slices.Clip(s.Ports), port)
	return s
}

// portNames names ports briefly: an architecture alone when the group
// holds every checked port of it ("amd64, arm64"), else GOOS/GOARCH.
func portNames(group, checked []string) string {
	var names []string
	for _, port := range group {
		_, arch, _ := strings.Cut(port, "/")
		all := true
		for _, other := range checked {
			if strings.HasSuffix(other, "/"+arch) && !slices.Contains(group, other) {
				all = false
			}
		}
		switch {
		case !all:
			names = append(names, port)
		case !slices.Contains(names, arch):
			names = append(names, arch)
		}
	}
	return strings.Join(names, ", ")
}

// print lays the report out: each differing line under its module, its
// verdicts and signature safety by port, then one line per port.
func (r *portsReport) print(w io.Writer) {
	var checked []string
	for _, p := range r.Ports {
		checked = append(checked, p.Port)
	}
	module := ""
	for _, d := range r.Differences {
		if d.Module != module {
			module = d.Module
			fmt.Fprintln(w, module)
		}
		fmt.Fprintf(w, "  %s: %s", d.Pos, d.Local)
		if d.Target != "" {
			fmt.Fprintf(w, " -> %s", d.Target)
		}
		fmt.Fprintf(w, " [%s]\n", d.Mode)
		if len(d.Verdicts) > 1 {
			var parts []string
			for _, v := range d.Verdicts {
				switch v.Link {
				case linkExcluded:
					parts = append(parts, "not in the build on "+portNames(v.Ports, checked))
				case linkFails:
					parts = append(parts, fmt.Sprintf("FAILS on %s (%s): %s", portNames(v.Ports, checked), v.Reason, v.Fails))
				default:
					parts = append(parts, fmt.Sprintf("links on %s (%s)", portNames(v.Ports, checked), v.Reason))
				}
			}
			fmt.Fprintf(w, "      %s\n", strings.Join(parts, "; "))
		}
		if len(d.Signatures) > 1 {
			var parts []string
			for _, s := range d.Signatures {
				if s.Safe {
					parts = append(parts, "safe on "+portNames(s.Ports, checked))
				} else {
					parts = append(parts, fmt.Sprintf("UNSAFE on %s, %s: %s", portNames(s.Ports, checked), riskText[s.Risk], strings.Join(s.Diffs, "; ")))
				}
			}
			fmt.Fprintf(w, "      %s\n", strings.Join(parts, "; "))
		}
	}
	if len(r.Differences) == 0 {
		fmt.Fprintln(w, "every line has the same verdict and signature safety on every port")
	}
	fmt.Fprintf(w, "ports, with %s's rules:\n", r.Go)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, p := range r.Ports {
		result := map[string]string{portLinks: "links", portFails: "the build fails", portUnsafe: "it links, but a signature is unsafe"}[p.Result]
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s: %s\n", p.Port, cgoText(p.Cgo), plural(p.Directives, "directive"), plural(p.Errors, "error"), result)
	}
	tw.Flush()
}

// runPorts checks the program for every first-class port and prints what
// differs between them. It counts every port: errFails when one fails to
// build or has an unsafe signature, another error when one cannot be
// loaded.
func runPorts(version, dir string, patterns []string, overlay string, opts options, asJSON bool, stdout io.Writer) error {
	tcs, err := portToolchains(version, os.Environ(), firstClassPorts)
	if err != nil {
		return err
	}
	checks := checkPorts(tcs, dir, patterns, overlay, opts)
	for _, c := range checks {
		if c.err != nil {
			return fmt.Errorf("%s: %w", c.port, firstLine(c.err))
		}
	}
	r := comparePorts(checks)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r)
	} else {
		r.print(stdout)
	}
	if r.exitStatus() == 1 {
		return errFails
	}
	return nil
}

// exitStatus counts every port: 1 when the build fails or a signature is
// unsafe on any of them.
func (r *portsReport) exitStatus() int {
	if slices.ContainsFunc(r.Ports, func(p portResult) bool { return p.Result != portLinks }) {
		return 1
	}
	return 0
}
