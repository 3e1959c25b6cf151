// Package bar is the target package: it keeps every function and variable
// unexported, and other packages reach them anyway with //go:linkname.
// Each declaration below says which side of which mode it shows.
package bar

// Linkname directives are honoured only in files that import unsafe.
import _ "unsafe"

// add has no directive: a pull needs nothing from the target.
func add(a, b int) int {
	return a + b
}

// div has a body but no symbol of its own: the directive files it under
// foo.Div, so a call to foo.Div runs this code. This is push mode.
//
//go:linkname div example.com/linkname/foo.Div
func div(a, b int) int {
	return a / b
}

// hello is marked with a one-argument //go:linkname, which says "others
// may pull this": the target's half of a handshake.
//
//go:linkname hello
func hello(name string) string {
	return "Hello " + name + "!"
}

// x is a variable marked the same way; linkname works for data too.
//
//go:linkname x
var x = 12
