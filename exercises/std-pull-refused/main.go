// Exercise std-pull-refused: this program times a millisecond's sleep with
// the clock that package time reads inside, pulled from the unexported
// time.runtimeNano.
// The linker refuses it. make hint EX=std-pull-refused helps.
package main

import (
	"fmt"
	"time"

	// The directive below is honoured only in a file that imports unsafe.
	_ "unsafe"
)

// runtimeNano reads the monotonic clock, in nanoseconds.
//
//go:linkname runtimeNano time.runtimeNano
func runtimeNano() int64

func main() {
	start := runtimeNano()
	time.Sleep(time.Millisecond)
	elapsed := runtimeNano() - start
	fmt.Printf("the clock moved on by the millisecond slept: %t\n", elapsed >= int64(time.Millisecond))
}
