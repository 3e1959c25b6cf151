// Package nounsafe pulls without importing "unsafe".
package nounsafe

//go:linkname nanotime runtime.nanotime
func nanotime() int64
