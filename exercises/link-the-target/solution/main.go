// Solution to link-the-target: a blank import of bar links it in, so the
// symbol bar.add exists when the linker looks for it.
package main

import (
	"fmt"

	// Nothing from bar is used by name; the import is for its side effect.
	_ "example.com/linkname/bar"

	// The directive below is honoured only in a file that imports unsafe.
	_ "unsafe"
)

// Add is bar.add under a new name.
//
//go:linkname Add example.com/linkname/bar.add
func Add(a, b int) int

func main() {
	fmt.Printf("Add(1, 2): %d\n", Add(1, 2))
}
