package main

import "strings"

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
