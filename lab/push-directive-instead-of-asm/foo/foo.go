// Push mode with a one-argument directive instead of foo.s.
//
// The one-argument form names no other symbol; it only tells the compiler
// that Div's body comes from elsewhere, which is all that push needs. The
// file must then import unsafe, like any file with a directive.
//
//lab:delete foo/foo.s
//lab:build ./push
//lab:want go1.26+ runs-as push
package foo

import (
	_ "unsafe"

	_ "example.com/linkname/bar"
)

// Div returns a / b. Its body lives in package bar.
//
//go:linkname Div
func Div(a, b int) int
