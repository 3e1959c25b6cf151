// Pull of runtime.coroswitch, a symbol kept for the standard library.
//
// The standard library keeps coroswitch for package iter, and the linker
// refuses a pull from anywhere else. The message is the same on both
// versions, the rule behind it is not: Go 1.26's linker holds a block-list
// naming coroswitch and the one package allowed to reach it, although the
// runtime marks it with a one-argument //go:linkname; Go 1.27 drops it from
// that list and marks it //go:linknamestd instead, a mark that lets only
// the standard library pull a symbol.
//
//lab:why go1.26 The linker's block-list (blockedLinknames in cmd/link/internal/loader/loader.go) lets only package iter reach runtime.coroswitch, although the runtime marks it with a one-argument //go:linkname.
//lab:why go1.27+ The runtime marks coroswitch with //go:linknamestd, which lets only standard-library packages pull it; it is off the linker's block-list.
//lab:want go1.26+ fails "link: main: invalid reference to runtime.coroswitch"
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
