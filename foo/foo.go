// Package foo is the receiving side of push mode: it declares Div with no
// body, and package bar supplies the body under the symbol foo.Div.
package foo

// Importing bar for its side effect links bar into every program that uses
// foo. Without it nothing defines foo.Div and the link fails with
// "relocation target example.com/linkname/foo.Div not defined".
import _ "example.com/linkname/bar"

// Div returns a / b. Its body lives in package bar.
//
// A function without a body is a compile error unless the package has an
// assembly file or a directive names the function: foo.s, which holds no
// code, lifts that check, as a one-argument //go:linkname Div would.
func Div(a, b int) int
