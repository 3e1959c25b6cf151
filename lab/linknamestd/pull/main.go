// A pull written with //go:linknamestd, the standard library's own form of
// the directive, from outside the standard library.
//
// Go 1.27 honours the two-argument //go:linknamestd anywhere: the pull of
// runtime.nanotime links and runs, as it does with //go:linkname. Go 1.26
// does not know the directive and ignores it, so nanotime is a function
// without a body, and the compiler stops there.
//
//lab:why go1.26 Go 1.26 does not know //go:linknamestd and ignores it, which leaves nanotime a function without a body.
//lab:why go1.27+ Go 1.27 treats the two-argument //go:linknamestd as a pull, and the runtime marks nanotime for outside use.
//lab:want go1.26 fails "missing function body"
//lab:want go1.27+ runs "nanotime() > 0: true\n"
package main

import (
	"fmt"
	_ "unsafe"
)

//go:linknamestd nanotime runtime.nanotime
func nanotime() int64

func main() {
	fmt.Printf("nanotime() > 0: %t\n", nanotime() > 0)
}
