// Package intest is clean; its test file is not.
package intest

func Two() int { return 2 }
