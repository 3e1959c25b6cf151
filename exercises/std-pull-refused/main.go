// Exercise std-pull-refused: this program times a loop with the clock that
// package time reads inside, pulled from the unexported time.runtimeNano.
// The linker refuses it. make hint EX=std-pull-refused helps.
package main

import (
	"fmt"

	// The directive below is honoured only in a file that imports unsafe.
	_ "unsafe"
)

// runtimeNano reads the monotonic clock, in nanoseconds.
//
//go:linkname runtimeNano time.runtimeNano
func runtimeNano() int64

func main() {
	start := runtimeNano()
	sum := 0
	for i := range 1000 {
		sum += i
	}
	elapsed := runtimeNano() - start
	fmt.Printf("sum: %d; the clock did not go backwards: %t\n", sum, elapsed >= 0)
}
