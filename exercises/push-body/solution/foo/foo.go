// Solution to push-body: a one-argument directive on Div tells the
// compiler that Div's body comes from elsewhere. (An assembly file in the
// package, even an empty foo.s, would do the same.)
package foo

import (
	// Links bar, and with it the body of foo.Div, into every program that
	// uses foo.
	_ "example.com/linkname/bar"

	// The directive below is honoured only in a file that imports unsafe.
	_ "unsafe"
)

// Div returns a / b. Its body lives in package bar.
//
//go:linkname Div
func Div(a, b int) int
