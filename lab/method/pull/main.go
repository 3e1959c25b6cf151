// Pull of a method: bar's unexported counter type has a method add.
//
// A method's symbol is path.(*T).name, and under the hood it is a function
// whose first parameter is the receiver. The pull declares it that way,
// with a local struct of the same layout standing in for bar.counter.
//
//lab:want go1.26+ runs "after add(2), add(3): 5\n"
package main

import (
	"fmt"
	_ "unsafe"

	_ "example.com/linkname/bar"
)

// counter has bar.counter's layout; the pull relies on that, unchecked.
type counter struct{ n int }

//go:linkname counterAdd example.com/linkname/bar.(*counter).add
func counterAdd(c *counter, d int) int

func main() {
	var c counter
	counterAdd(&c, 2)
	fmt.Printf("after add(2), add(3): %d\n", counterAdd(&c, 3))
}
