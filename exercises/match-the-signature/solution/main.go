// Solution to match-the-signature: Add is declared with bar.add's types,
// two ints in and an int out, which linkcheck confirms word by word.
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
func Add(a, b int) int

func main() {
	fmt.Printf("Add(1, 2): %d\n", Add(1, 2))
}
