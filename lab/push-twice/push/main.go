// Two packages push a body into the same symbol: bar pushes its div into
// foo.Div, and now this program pushes its own.
//
// Each push defines the symbol foo.Div, and a program may define a symbol
// only once: "duplicated definition of symbol".
//
//lab:want go1.26+ fails "duplicated definition of symbol example.com/linkname/foo.Div"
package main

import (
	"fmt"
	_ "unsafe"

	"example.com/linkname/foo"
)

//go:linkname div example.com/linkname/foo.Div
func div(a, b int) int { return b / a }

func main() {
	fmt.Printf("foo.Div(2, 1): %d\n", foo.Div(2, 1))
}
