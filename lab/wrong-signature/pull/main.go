// Pull with the wrong signature: Add takes a string, bar.add two ints.
//
// Nothing checks that the two declarations agree: the compiler sees only
// this one, the linker matches names, not types, and go vet is silent. On
// the register ABI a string travels as two words, its data pointer and its
// length, in the registers where bar.add looks for a and b, so the call
// returns the address of the bytes plus the length: garbage that looks
// like a number.
//
//lab:want go1.26+ runs "Add(\"gopher\") == address of its bytes + its length: true\n"
//lab:want go1.26+ vet-silent
package main

import (
	"fmt"
	"unsafe"

	_ "example.com/linkname/bar"
)

//go:linkname Add example.com/linkname/bar.add
func Add(s string) int

func main() {
	s := "gopher"
	addr := int(uintptr(unsafe.Pointer(unsafe.StringData(s))))
	fmt.Printf("Add(%q) == address of its bytes + its length: %t\n", s, Add(s) == addr+len(s))
}
