// The standard-library pull moved out of package main: foo declares
// TooLarge, pulled from fmt.tooLarge, and a main program calls it.
//
// The linker inspects the references made by the package that holds the
// directive, and a bodyless declaration that is only called from another
// package slips past that check. So this links without
// -ldflags=-checklinkname=0, though the same pull written in main is
// refused. It is a gap, not a feature: a future Go may close it, and this
// case will say so by failing.
//
//lab:build ./push
//lab:want go1.26+ runs-as stdlib
package foo

import _ "unsafe"

// TooLarge reports whether x is above fmt's limit for widths and
// precisions.
//
//go:linkname TooLarge fmt.tooLarge
func TooLarge(x int) bool
