// Pull of runtime.systemstack, a function written in assembly.
//
// Go 1.26 lets this pull through: a call from Go to an assembly function
// goes through an ABI wrapper, and its linker lets references to wrappers
// pass unchecked. Go 1.27 rejects it like any unmarked runtime symbol. One
// file, two answers: the reason this lab keys its expectations by Go
// version.
//
//lab:why go1.26 A call from Go to an assembly function goes through an ABI wrapper, and Go 1.26's linker lets references to wrappers pass unchecked.
//lab:why go1.27+ The linker looks through the ABI wrapper: an assembly function is refused unless it or its wrapper is marked for outside use, and the runtime does not mark systemstack.
//lab:want go1.26 builds
//lab:want go1.27+ fails "link: main: invalid reference to runtime.systemstack"
package main

import (
	"fmt"
	_ "unsafe"
)

//go:linkname systemstack runtime.systemstack
func systemstack(fn func())

func main() {
	fmt.Println(systemstack != nil)
}
