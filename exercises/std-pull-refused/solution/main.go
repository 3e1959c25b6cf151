// Solution to std-pull-refused: pull runtime.nanotime instead, a symbol the
// runtime marks for outside use because widely used modules pulled it
// before Go 1.23. (The public way, time.Now and time.Since, needs no
// directive at all.)
package main

import (
	"fmt"
	"time"

	// The directive below is honoured only in a file that imports unsafe.
	_ "unsafe"
)

// nanotime reads the monotonic clock, in nanoseconds.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

func main() {
	start := nanotime()
	time.Sleep(time.Millisecond)
	elapsed := nanotime() - start
	fmt.Printf("the clock moved on by the millisecond slept: %t\n", elapsed >= int64(time.Millisecond))
}
