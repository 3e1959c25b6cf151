// Exercise push-body: package foo declares Div with no body, and package
// bar pushes its div into the symbol foo.Div. The push is fine; foo does not
// compile. make hint EX=push-body helps.
package foo

// Links bar, and with it the body of foo.Div, into every program that
// uses foo.
import _ "example.com/linkname/bar"

// Div returns a / b. Its body lives in package bar.
func Div(a, b int) int
