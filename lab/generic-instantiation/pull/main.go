// A directive naming one instantiation of a generic function.
//
// The symbol name of bar.id[int] is an implementation detail of how the
// compiler instantiates generics, so the compiler refuses to let a
// directive name it.
//
//lab:want go1.26+ fails "reference of an instantiation is not allowed"
package main

import (
	"fmt"
	_ "unsafe"

	_ "example.com/linkname/bar"
)

//go:linkname idInt example.com/linkname/bar.id[int]
func idInt(v int) int

func main() {
	fmt.Println(idInt(1))
}
