// Package undeclared pulls into a name it never declares.
package undeclared

import _ "unsafe"

//go:linkname nanotme runtime.nanotime
func nanotime() int64 // compiler: "//go:linkname must refer to declared function or variable"
