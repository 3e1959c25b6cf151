// Solution to import-unsafe: the file imports unsafe, and from then on the
// compiler honours the directive.
package main

import (
	"fmt"

	// Blank import: links bar into the program, so that bar.add exists.
	_ "example.com/linkname/bar"

	// Nothing is used from unsafe by name: the import is the file's
	// admission that it steps around the type system.
	_ "unsafe"
)

// Add is bar.add under a new name.
//
//go:linkname Add example.com/linkname/bar.add
func Add(a, b int) int

func main() {
	fmt.Printf("Add(1, 2): %d\n", Add(1, 2))
}
