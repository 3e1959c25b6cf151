package intest

import "testing"

// go vet checks a package with its tests: this directive lacks the
// "unsafe" import.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64 // compiler: "//go:linkname only allowed in Go files that import \"unsafe\""

func TestTwo(t *testing.T) {
	if Two() != 2 || nanotime() == 0 {
		t.Fail()
	}
}
