// Package sig pulls dep.add with the wrong signature: it compiles,
// links and returns garbage.
package sig

import (
	_ "unsafe"

	_ "example.test/dep"
)

//go:linkname add example.test/dep.add
func add(s string) int

func Length(s string) int { return add(s) }
