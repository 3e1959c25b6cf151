package intest

import "testing"

// go vet checks a package with its tests: this directive lacks the
// "unsafe" import.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

func TestTwo(t *testing.T) {
	if Two() != 2 || nanotime() == 0 {
		t.Fail()
	}
}
