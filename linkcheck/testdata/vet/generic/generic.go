// Package generic pulls one instance of a generic function.
package generic

import (
	_ "unsafe"

	_ "example.test/dep"
)

//go:linkname sum example.test/dep.Sum[int]
func sum(s []int) int // compiler: "//go:linkname reference of an instantiation is not allowed"
