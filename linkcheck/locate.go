package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// A goToolchain is one Go version's installation, found without switching
// the Go that runs linkcheck: its source under GOROOT/src holds that
// version's rules, marks and signatures.
type goToolchain struct {
	Version string // as go env GOVERSION says it: go1.27.3
	GOROOT  string
	// Context selects the files that version builds for the target
	// platform: GOOS, GOARCH, cgo, and its release and tool tags.
	Context build.Context
}

// locateToolchain finds the toolchain of a Go version such as go1.27.3.
// "local" is the go installed on PATH (GOTOOLCHAIN=local); the version
// that go already runs needs no switch. Any other version is what
// GOTOOLCHAIN=version selects: the go command fetches it through the
// module proxy into the module cache when it is missing, and
// locateToolchain says so in one line on standard error first.
func locateToolchain(version string) (*goToolchain, error) {
	toolchainEnv := "GOTOOLCHAIN=" + version
	if version != "local" {
		running, err := goEnv(nil, "GOVERSION", "GOMODCACHE", "GOHOSTOS", "GOHOSTARCH")
		if err != nil {
			return nil, err
		}
		if running["GOVERSION"] == version {
			toolchainEnv = ""
		} else {
			// Where cmd/go keeps a toolchain it downloads.
			cached := filepath.Join(running["GOMODCACHE"], "golang.org",
				"toolchain@v0.0.1-"+version+"."+running["GOHOSTOS"]+"-"+running["GOHOSTARCH"])
			if _, err := os.Stat(cached); err != nil {
				fmt.Fprintf(os.Stderr, "linkcheck: fetching %s through the module proxy (GOTOOLCHAIN=%s go env GOROOT)\n", version, version)
			}
		}
	}
	var extra []string
	if toolchainEnv != "" {
		extra = append(extra, toolchainEnv)
	}
	env, err := goEnv(extra, "GOVERSION", "GOROOT", "GOOS", "GOARCH", "CGO_ENABLED")
	if err != nil {
		return nil, err
	}
	tc := &goToolchain{Version: env["GOVERSION"], GOROOT: env["GOROOT"]}
	tc.Context = build.Default
	tc.Context.GOROOT = env["GOROOT"]
	tc.Context.GOOS, tc.Context.GOARCH = env["GOOS"], env["GOARCH"]
	tc.Context.CgoEnabled = env["CGO_ENABLED"] == "1"
	// Release tags (go1.1 ... go1.N) and tool tags (goexperiment.*, the
	// GOAMD64 level) belong to the version, not to the Go that built
	// linkcheck: ask that version's go list.
	cmd := exec.Command("go", "list", "-f", "{{join context.ReleaseTags \",\"}} {{join context.ToolTags \",\"}}", "unsafe")
	// Outside any module, so that no go.mod or go.work asks for another Go.
	cmd.Dir = os.TempDir()
	cmd.Env = append(append(os.Environ(), extra...), "GOWORK=off")
	out, err := output(cmd)
	if err != nil {
		return nil, err
	}
	release, tool, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	tc.Context.ReleaseTags = strings.Split(release, ",")
	tc.Context.ToolTags = strings.Split(tool, ",")
	return tc, nil
}

// goEnv runs go env -json for names, with extra added to the environment.
func goEnv(extra []string, names ...string) (map[string]string, error) {
	cmd := exec.Command("go", append([]string{"env", "-json"}, names...)...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(append(os.Environ(), extra...), "GOWORK=off")
	out, err := output(cmd)
	if err != nil {
		return nil, err
	}
	values := map[string]string{}
	if err := json.Unmarshal(out, &values); err != nil {
		return nil, fmt.Errorf("go env -json: %v", err)
	}
	return values, nil
}

// output runs cmd; when it fails, the error is the go command's own
// reason, as it printed it (offline, unknown version, ...).
func output(cmd *exec.Cmd) ([]byte, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		// Without its progress line: linkcheck said it is fetching.
		var reason []string
		for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			if !strings.HasPrefix(line, "go: downloading ") {
				reason = append(reason, line)
			}
		}
		if len(reason) > 0 && reason[0] != "" {
			return nil, errors.New(strings.Join(reason, "\n"))
		}
		return nil, fmt.Errorf("%s: %v", strings.Join(cmd.Args, " "), err)
	}
	return out, nil
}
