// Solution to method-symbol: the symbol of a method with a pointer
// receiver is path.(*T).name, so the directive names
// example.com/linkname/bar.(*tally).add.
package main

import (
	"fmt"

	// Blank import: links bar into the program, so that tally's add exists.
	_ "example.com/linkname/bar"

	// The directive below is honoured only in a file that imports unsafe.
	_ "unsafe"
)

// tally has bar.tally's layout, so a *tally can stand for bar's receiver.
type tally struct{ total int }

// add is bar's (*tally).add, receiver first.
//
//go:linkname add example.com/linkname/bar.(*tally).add
func add(t *tally, n int)

func main() {
	var t tally
	add(&t, 40)
	add(&t, 2)
	fmt.Printf("tally after adding 40 and 2: %d\n", t.total)
}
