// Command app pulls two standard-library functions: fmt.tooLarge, which
// fmt does not mark (the linker refuses it unless -checklinkname=0), and
// runtime.nanotime, which runtime marks for outside use.
package main

import (
	"fmt"
	_ "unsafe"
)

//go:linkname tooLarge fmt.tooLarge
func tooLarge(x int) bool

//go:linkname nanotime runtime.nanotime
func nanotime() int64

func main() { fmt.Println(tooLarge(1e6+1), nanotime() > 0) }
