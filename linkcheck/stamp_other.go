//go:build !linux && !darwin

package main

import "os"

// statExtra is what a file's stamp holds besides its size and
// modification time: nothing more on this system.
func statExtra(os.FileInfo) string { return "" }
