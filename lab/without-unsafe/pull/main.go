// A directive in a file that does not import unsafe.
//
// The compiler honours //go:linkname only in files that import unsafe, the
// package whose import marks code that steps around the type system. Here
// it rejects the directive, and then, with no directive in force, the
// bodyless Add as well.
//
//lab:want go1.26+ fails "//go:linkname only allowed in Go files that import \"unsafe\""
package main

import (
	"fmt"

	_ "example.com/linkname/bar"
)

//go:linkname Add example.com/linkname/bar.add
func Add(a, b int) int

func main() {
	fmt.Printf("Add(1, 2): %d\n", Add(1, 2))
}
