// Package duplicate names one function in two directives.
package duplicate

import _ "unsafe"

//go:linkname nanotime runtime.nanotime
//go:linkname nanotime runtime.nanotime
func nanotime() int64 // compiler: "duplicate //go:linkname for nanotime"
