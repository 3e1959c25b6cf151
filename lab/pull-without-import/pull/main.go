// Pull mode without importing the target: the blank import of bar is gone.
//
// A pull only finds what the program links in, and nothing links bar in
// any more. The directive still compiles, but no object file defines the
// symbol bar.add, so the linker cannot resolve it. Importing the target,
// even blank, is how it gets linked.
//
//lab:want go1.26+ fails "main.main: relocation target example.com/linkname/bar.add not defined"
package main

import (
	"fmt"
	_ "unsafe"
)

//go:linkname Add example.com/linkname/bar.add
func Add(a, b int) int

func main() {
	fmt.Printf("Add(1, 2): %d\n", Add(1, 2))
}
