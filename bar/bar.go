// Package bar is the target package: it keeps every function and variable
// unexported, and the other modules of this workspace reach them anyway
// with //go:linkname.
//
// Each name shows one side of a mode:
//
//   - add carries no marking at all; package main of ../pull pulls it.
//   - div is pushed: its body is filed under the symbol foo.Div.
//   - hello and x are marked with a one-argument //go:linkname, which
//     says "others may pull this"; package main of ../handshake does.
package bar

// Linkname directives are honoured only in files that import unsafe: the
// import is how a file owns up to breaking the rules of the type system.
import _ "unsafe"

// add has no directive. Pull mode needs nothing from the target.
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

// hello is marked as reachable from outside: the target's half of a
// handshake.
//
//go:linkname hello
func hello(name string) string {
	return "Hello " + name + "!"
}

// x is a variable marked the same way; linkname works for data too.
//
//go:linkname x
var x = 12
