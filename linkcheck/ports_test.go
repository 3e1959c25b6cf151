package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// portsProgram is the README's example for -ports: three pulls of
// runtime functions, each safe on some ports only, or linked on some
// only.
const portsProgram = `// Command clock pulls three runtime functions.
package main

import (
	"fmt"
	_ "unsafe"
)

// runtime.nanotime returns an int64: an int is one on 64-bit ports only.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int

// The same int64, read as a float64.
//
//go:linkname nanotimeFloat runtime.nanotime
func nanotimeFloat() float64

// runtime.systemstack is written in assembly.
//
//go:linkname systemstack runtime.systemstack
func systemstack(fn func())

func main() {
	fmt.Println(nanotime() > 0, nanotimeFloat() != 0, systemstack != nil)
}
`

// writtenBlock finds the block of a document between the markers that a
// test writes, named by the test: <!-- written by NAME ... --> and
// <!-- end written -->.
func writtenBlock(t *testing.T, doc, name string) (before, block, after string) {
	t.Helper()
	begin := "<!-- written by " + name + " (go test -run " + name + " -update); do not edit -->\n"
	const end = "<!-- end written -->\n"
	before, rest, ok := strings.Cut(doc, begin)
	block, after, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		t.Fatalf("README.md has no block %q ... %q", strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	return before + begin, block, end + after
}

// checkWritten compares the README block that name writes with want, or
// with -update writes it.
func checkWritten(t *testing.T, name, want string) {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	before, block, after := writtenBlock(t, string(data), name)
	if *update {
		if err := os.WriteFile("README.md", []byte(before+want+after), 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	if block != want {
		t.Errorf("README.md's block written by %s is stale: run go test -run %s -update\nhave:\n%s\nwant:\n%s", name, name, block, want)
	}
}

// portsTranscript runs what linkcheck -go VERSION -ports ./... runs in
// dir, and returns the output as a console transcript, with its exit
// status.
func portsTranscript(t *testing.T, version, dir string, asJSON bool) (string, *portsReport) {
	t.Helper()
	// cgo off on every port, as a cross-build has it, whatever the host's C
	// toolchain: the transcript is the same on every machine.
	var tcs []*toolchain
	for _, port := range firstClassPorts {
		tcs = append(tcs, portToolchain(t, version, port))
	}
	checks := checkPorts(tcs, dir, []string{"./..."}, "", options{})
	for _, c := range checks {
		if c.err != nil {
			t.Fatalf("%s: %v", c.port, c.err)
		}
	}
	r := comparePorts(checks)
	var out bytes.Buffer
	if asJSON {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		enc.Encode(r)
	} else {
		r.print(&out)
	}
	status := r.exitStatus()
	flags := "-go " + version + " -ports"
	if asJSON {
		flags += " -json"
	}
	return fmt.Sprintf("```console\n$ CGO_ENABLED=0 linkcheck %s ./...\n%s$ echo $?\n%d\n```\n", flags, out.String(), status), r
}

// TestReadmePorts runs -ports on the README's example under each
// recorded Go and requires README.md to show exactly that.
func TestReadmePorts(t *testing.T) {
	versions := recordedGo(t)
	for _, v := range versions {
		skipWithout(t, v)
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"go.mod": "module example.com/clock\n\ngo 1.23\n", "main.go": portsProgram} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	var b strings.Builder
	b.WriteString("```go\n" + portsProgram + "```\n\n")
	for i, v := range versions {
		text, r := portsTranscript(t, v, dir, false)
		b.WriteString(text)
		if i == len(versions)-1 {
			js, _ := portsTranscript(t, v, dir, true)
			b.WriteString("\n<details>\n<summary>The same with -json</summary>\n\n" + js + "\n</details>\n")
		}
		// What the example is there to show, on every version: int
		// over int64 is unsafe on the 32-bit ports only; float64 over
		// int64 is unsafe everywhere, for different reasons.
		var signatures []string
		for _, d := range r.Differences {
			for _, s := range d.Signatures {
				if len(d.Signatures) == 1 {
					break
				}
				signatures = append(signatures, fmt.Sprintf("%s %v %v", d.Local, s.Safe, s.Ports))
			}
		}
		want := []string{
			"nanotime false [linux/386 linux/arm windows/386]",
			"nanotime true [linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64]",
			"nanotimeFloat false [linux/386 linux/arm windows/386]",
			"nanotimeFloat false [linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64]",
		}
		if !slices.Equal(signatures, want) {
			t.Errorf("%s: signatures by port:\n%s\nwant:\n%s", v, strings.Join(signatures, "\n"), strings.Join(want, "\n"))
		}
		if b.Len() > 0 && i < len(versions)-1 {
			b.WriteString("\n")
		}
	}
	checkWritten(t, "TestReadmePorts", b.String())
}

// portNames names an architecture alone only when every checked port of
// it is in the group.
func TestPortNames(t *testing.T) {
	for _, c := range []struct {
		group []string
		want  string
	}{
		{[]string{"linux/amd64", "darwin/amd64", "windows/amd64", "linux/arm64", "darwin/arm64"}, "amd64, arm64"},
		{[]string{"linux/386", "linux/arm", "windows/386"}, "386, arm"},
		{[]string{"linux/386", "linux/amd64"}, "linux/386, linux/amd64"},
	} {
		if got := portNames(c.group, firstClassPorts); got != c.want {
			t.Errorf("portNames(%q) = %q, want %q", c.group, got, c.want)
		}
	}
}

// The exit status counts every port: a signature unsafe on the 32-bit
// ports alone makes it 1 on any host.
func TestPortsExitStatus(t *testing.T) {
	dir := writeModule(t, map[string]string{"main.go": `package main

import _ "unsafe"

//go:linkname nanotime runtime.nanotime
func nanotime() int

func main() { println(nanotime() > 0) }
`})
	var tcs []*toolchain
	for _, port := range firstClassPorts {
		tcs = append(tcs, portToolchain(t, runtime.Version(), port))
	}
	r := comparePorts(checkPorts(tcs, dir, []string{"."}, "", options{}))
	var unsafe []string
	for _, p := range r.Ports {
		if p.Result != portLinks {
			unsafe = append(unsafe, p.Port)
		}
	}
	if want := []string{"linux/386", "linux/arm", "windows/386"}; !slices.Equal(unsafe, want) || r.exitStatus() != 1 {
		t.Errorf("unsafe on %v, exit status %d; want %v, 1", unsafe, r.exitStatus(), want)
	}
}
