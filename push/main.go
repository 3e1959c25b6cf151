// Push mode: package foo declares Div with no body, and package bar files
// its unexported div under the symbol foo.Div. This program only calls
// foo.Div; it never mentions bar, because foo imports bar for it.
package main

import (
	"fmt"

	"example.com/linkname/foo"
)

func main() {
	fmt.Printf("foo.Div(2, 1): %d\n", foo.Div(2, 1))
}
