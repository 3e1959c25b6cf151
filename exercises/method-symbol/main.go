// Exercise method-symbol: a pull of a method. bar's unexported type tally
// has a method add with a pointer receiver; under the hood it is a function
// whose first parameter is the receiver, so that is how it is declared
// here. The program does not link. make hint EX=method-symbol helps.
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
//go:linkname add example.com/linkname/bar.tally.add
func add(t *tally, n int)

func main() {
	var t tally
	add(&t, 40)
	add(&t, 2)
	fmt.Printf("tally after adding 40 and 2: %d\n", t.total)
}
