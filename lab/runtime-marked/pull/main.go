// Pull of runtime functions that the runtime marks for outside use.
//
// Since Go 1.23 the linker rejects pulls of standard-library symbols,
// except those the standard library marks with a one-argument
// //go:linkname because widely used modules already depended on them.
// nanotime, fastrand and cheaprand are among them, so these pulls link
// with no flag.
//
//lab:want go1.26+ runs "nanotime() > 0: true\nfastrand and cheaprand called\n"
package main

import (
	"fmt"
	_ "unsafe"
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

//go:linkname fastrand runtime.fastrand
func fastrand() uint32

//go:linkname cheaprand runtime.cheaprand
func cheaprand() uint32

func main() {
	fmt.Printf("nanotime() > 0: %t\n", nanotime() > 0)
	_, _ = fastrand(), cheaprand()
	fmt.Println("fastrand and cheaprand called")
}
