// Pull of fmt.Println, an exported standard-library function.
//
// Being exported does not help: the check asks whether the symbol is
// defined in the standard library and marked for pulling, not whether its
// name starts with a capital. With the check turned off it links, and the
// pulled name behaves like fmt.Println.
//
//lab:want go1.26+ fails "link: main: invalid reference to fmt.Println"
//lab:want go1.26+ -ldflags=-checklinkname=0 runs "printed through a pulled fmt.Println\n"
package main

import (
	// fmt is linked in only if something imports it.
	_ "fmt"
	_ "unsafe"
)

//go:linkname println fmt.Println
func println(a ...any) (n int, err error)

func main() {
	println("printed through a pulled fmt.Println")
}
