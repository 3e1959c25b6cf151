// Pull of internal/runtime/atomic.Load, which the standard library marked
// for outside use until Go 1.26 and keeps to itself from Go 1.27 on.
//
// Go 1.26 marks Load with a one-argument //go:linkname, so the pull links
// like any handshake. Go 1.27 marks it //go:linknamestd instead, a mark
// that lets only standard-library packages pull it, and the same program
// no longer links. Nothing in this file changed: the target's mark did.
//
//lab:why go1.26 internal/runtime/atomic marks Load with a one-argument //go:linkname, which lets any package pull it.
//lab:why go1.27+ internal/runtime/atomic marks Load with //go:linknamestd, which lets only standard-library packages pull it.
//lab:want go1.26 runs "Load(&x): 7\n"
//lab:want go1.27+ fails "link: main: invalid reference to internal/runtime/atomic.Load"
package main

import (
	"fmt"
	_ "unsafe"
)

//go:linkname load internal/runtime/atomic.Load
func load(p *uint32) uint32

func main() {
	x := uint32(7)
	fmt.Printf("Load(&x): %d\n", load(&x))
}
