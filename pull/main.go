// Pull mode: this program declares Add with no body and points it at the
// unexported bar.add. Package bar does nothing to allow it; the directive
// here reaches in on its own.
package main

import (
	"fmt"

	// Blank import: bar must be linked in, or the symbol bar.add would not
	// exist.
	_ "example.com/linkname/bar"

	// The directive below is honoured only in a file that imports unsafe.
	_ "unsafe"
)

// Add is bar.add under a new name. The signature must match bar.add's
// exactly: nothing checks it.
//
//go:linkname Add example.com/linkname/bar.add
func Add(a, b int) int

func main() {
	fmt.Printf("Add(1, 2): %d\n", Add(1, 2))
}
