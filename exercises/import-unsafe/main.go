// Exercise import-unsafe: pull mode, as in pull/main.go. Add has no body;
// the directive links it to bar's unexported add. But the compiler does not
// take the directive from this file. make hint EX=import-unsafe helps.
package main

import (
	"fmt"

	// Blank import: links bar into the program, so that bar.add exists.
	_ "example.com/linkname/bar"
)

// Add is bar.add under a new name.
//
//go:linkname Add example.com/linkname/bar.add
func Add(a, b int) int

func main() {
	fmt.Printf("Add(1, 2): %d\n", Add(1, 2))
}
