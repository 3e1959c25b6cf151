// Package clean pulls dep.add with its own signature.
package clean

import (
	_ "unsafe"

	_ "example.test/dep"
)

//go:linkname add example.test/dep.add
func add(a, b int) int

func Sum(a, b int) int { return add(a, b) }
