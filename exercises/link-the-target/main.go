// Exercise link-the-target: pull mode again, and the directive is accepted.
// The program still does not link. make hint EX=link-the-target helps.
package main

import (
	"fmt"

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
