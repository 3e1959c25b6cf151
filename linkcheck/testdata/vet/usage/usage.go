// Package usage gives a directive three names.
package usage

import _ "unsafe"

//go:linkname nanotime runtime.nanotime extra
func nanotime() int64 // compiler: "usage: //go:linkname localname [linkname]"
