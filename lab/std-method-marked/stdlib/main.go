// Pull of a method of an unexported standard-library type:
// reflect.(*rtype).String.
//
// It links with no flag because reflect marks the method itself. A file
// there declares a bodyless stand-in whose directive names
// (*rtype).String, and a directive naming a symbol of its own package
// marks it, as a one-argument directive does. go-json pulls many rtype
// methods this way (make linkcheck-real). The receiver comes first: here,
// the data word of a reflect.Type.
//
//lab:want go1.26+ runs "reflect.(*rtype).String of an int: int\n"
package main

import (
	"fmt"
	"reflect"
	"unsafe"
)

//go:linkname rtypeString reflect.(*rtype).String
func rtypeString(t unsafe.Pointer) string

func main() {
	t := reflect.TypeOf(0)
	// A reflect.Type is an interface whose data word is the *rtype.
	rtype := (*[2]unsafe.Pointer)(unsafe.Pointer(&t))[1]
	fmt.Printf("reflect.(*rtype).String of an int: %s\n", rtypeString(rtype))
}
