// Pull of runtime.coroswitch, a symbol kept for the standard library.
//
// The linker keeps a block-list of symbols that only named standard-library
// packages may reach (coroswitch is for package iter). A pull from anywhere
// else is refused whether or not the symbol is marked.
//
//lab:replace pull/main.go
//lab:want go1.26 go1.27 fails "link: main: invalid reference to runtime.coroswitch"
package main

import (
	"fmt"
	"unsafe"
)

//go:linkname coroswitch runtime.coroswitch
func coroswitch(c unsafe.Pointer)

func main() {
	fmt.Println(coroswitch != nil)
}
