// Pull of reflect.(*rtype).CanSeq, a method of the same type that reflect
// does not mark.
//
// The mark decides, not being exported or being a method: reflect marks
// only the methods that widely used modules already pulled, CanSeq is not
// among them, and the linker rejects the pull. With the check turned off
// it links and runs.
//
//lab:want go1.26+ fails "link: main: invalid reference to reflect.(*rtype).CanSeq"
//lab:want go1.26+ -ldflags=-checklinkname=0 runs "reflect.(*rtype).CanSeq of an int: true\n"
package main

import (
	"fmt"
	"reflect"
	"unsafe"
)

//go:linkname rtypeCanSeq reflect.(*rtype).CanSeq
func rtypeCanSeq(t unsafe.Pointer) bool

func main() {
	t := reflect.TypeOf(0)
	// A reflect.Type is an interface whose data word is the *rtype.
	rtype := (*[2]unsafe.Pointer)(unsafe.Pointer(&t))[1]
	fmt.Printf("reflect.(*rtype).CanSeq of an int: %t\n", rtypeCanSeq(rtype))
}
