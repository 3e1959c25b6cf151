package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A release that the module proxy does not list is named as such, and
// one that it lists but does not serve keeps the go command's reason. The
// proxy is a folder (GOPROXY=file://): no network.
func TestUnknownRelease(t *testing.T) {
	local, err := goEnv(append(os.Environ(), "GOTOOLCHAIN=local"), "GOHOSTOS", "GOHOSTARCH")
	if err != nil {
		t.Fatal(err)
	}
	platform := local["GOHOSTOS"] + "-" + local["GOHOSTARCH"]
	proxy := t.TempDir()
	// go1.99.2 is listed, and has no zip.
	writeFile(t, filepath.Join(proxy, toolchainModule, "@v", "list"), "v0.0.1-go1.27.3."+platform+"\nv0.0.1-go1.99.2."+platform+"\n")
	env := proxyEnv(t, proxy)
	_, err = newToolchain("go1.99.1", env)
	want := "no Go release go1.99.1 for " + local["GOHOSTOS"] + "/" + local["GOHOSTARCH"] + ": the module proxy (GOPROXY=file://" +
		filepath.ToSlash(proxy) + ") lists no golang.org/toolchain@v0.0.1-go1.99.1." + platform
	if err == nil || err.Error() != want {
		t.Errorf("-go go1.99.1: %v\nwant %s", err, want)
	}
	_, err = newToolchain("go1.99.2", env)
	if err == nil || strings.Contains(err.Error(), "no Go release") || !strings.Contains(err.Error(), "go1.99.2") {
		t.Errorf("-go go1.99.2 (listed, not served): %v; want the go command's reason", err)
	}
}
