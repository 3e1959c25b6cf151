// Standard library: this program pulls the unexported fmt.tooLarge, which
// the standard library does not mark. Since Go 1.23 the linker refuses such
// a pull ("invalid reference to fmt.tooLarge") unless the build turns its
// check off with -ldflags=-checklinkname=0.
package main

import (
	"fmt"

	// Linkname directives need a file that imports unsafe. fmt is linked in
	// already, so no blank import of the target is needed.
	_ "unsafe"
)

// TooLarge reports whether x is above fmt's limit for widths and
// precisions (one million).
//
//go:linkname TooLarge fmt.tooLarge
func TooLarge(x int) bool

func main() {
	fmt.Printf("TooLarge(1e6+1): %t\n", TooLarge(1e6+1))
}
