// The program of the pull-from-library case: it calls foo.TooLarge, and
// holds no directive of its own.
package main

import (
	"fmt"

	"example.com/linkname/foo"
)

func main() {
	fmt.Printf("TooLarge(1e6+1): %t\n", foo.TooLarge(1e6+1))
}
