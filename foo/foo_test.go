package foo_test

import (
	"fmt"

	"example.com/linkname/foo"
)

// Div behaves like a / b although foo holds no code for it: the body is
// bar's div, pushed in.
func ExampleDiv() {
	fmt.Println(foo.Div(7, 2), foo.Div(-9, 3))
	// Output: 3 -3
}
