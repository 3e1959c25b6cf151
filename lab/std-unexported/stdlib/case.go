// The stdlib example as it is: stdlib/main.go pulls the unexported
// fmt.tooLarge.
//
// Since Go 1.23 the linker rejects a pull of a standard-library symbol
// that the standard library has not marked for outside use, and names it:
// "invalid reference to fmt.tooLarge". -ldflags=-checklinkname=0 turns
// the check off, and then it links and runs.
//
// This file only carries the case's header: it is added to stdlib and
// declares nothing.
//
//lab:build ./stdlib
//lab:want go1.26+ fails-as stdlib
//lab:want go1.26+ -ldflags=-checklinkname=0 runs-as stdlib
package main
