// Handshake mode: both sides write a directive. Package bar marks hello and
// x with a one-argument //go:linkname ("may be pulled"), and this program
// pulls them. It is a pull that the target agreed to.
package main

import (
	"fmt"

	// Blank import: links bar into the program so that its symbols exist.
	_ "example.com/linkname/bar"

	// Linkname directives need a file that imports unsafe.
	_ "unsafe"
)

// Hello is bar.hello.
//
//go:linkname Hello example.com/linkname/bar.hello
func Hello(name string) string

// X is bar.x: a variable declared here, stored in bar.
//
//go:linkname X example.com/linkname/bar.x
var X int

func main() {
	fmt.Printf("Hello(%q): %s\n", "gopher", Hello("gopher"))
	fmt.Printf("X: %d\n", X)
}
