// The //go:linknamestd pull in a file that does not import unsafe.
//
// Go 1.27 holds //go:linknamestd to the rule of //go:linkname: only a file
// that imports unsafe may use it. Go 1.26 ignores the directive, as in the
// linknamestd case, and reports only the function without a body.
//
//lab:why go1.26 Go 1.26 does not know //go:linknamestd and ignores it, which leaves nanotime a function without a body.
//lab:why go1.27+ Go 1.27 honours //go:linknamestd, like //go:linkname, only in files that import unsafe.
//lab:want go1.26 fails "missing function body"
//lab:want go1.27+ fails "//go:linknamestd only allowed in Go files that import \"unsafe\""
package main

import "fmt"

//go:linknamestd nanotime runtime.nanotime
func nanotime() int64

func main() {
	fmt.Printf("nanotime() > 0: %t\n", nanotime() > 0)
}
