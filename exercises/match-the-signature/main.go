// Exercise match-the-signature: pull mode, and it builds, runs, prints the
// right sum and passes go vet. The declaration of Add is still wrong.
// make hint EX=match-the-signature helps.
package main

import (
	"fmt"

	// Blank import: links bar into the program, so that bar.add exists.
	_ "example.com/linkname/bar"

	// The directive below is honoured only in a file that imports unsafe.
	_ "unsafe"
)

// Add is bar.add under a new name.
//
//go:linkname Add example.com/linkname/bar.add
func Add(a, b int32) int32

func main() {
	fmt.Printf("Add(1, 2): %d\n", Add(1, 2))
}
