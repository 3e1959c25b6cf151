// Pull mode without importing the target: the blank import of bar is gone.
//
// The directive still compiles, but nothing links bar into the program, so
// no object file defines the symbol bar.add and the linker stops with
// "relocation target ... not defined". A pull only finds what the program
// links in; importing the target, even blank, is how it gets linked.
//
//lab:replace pull/main.go
//lab:want go1.26 go1.27 fails "main.main: relocation target example.com/linkname/bar.add not defined"
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
