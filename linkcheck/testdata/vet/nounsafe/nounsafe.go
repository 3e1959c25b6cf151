// Package nounsafe pulls without importing "unsafe".
package nounsafe

//go:linkname nanotime runtime.nanotime
func nanotime() int64 // compiler: "//go:linkname only allowed in Go files that import \"unsafe\""
