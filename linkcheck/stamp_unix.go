//go:build linux || darwin

package main

import (
	"fmt"
	"os"
	"syscall"
)

// statExtra is what a file's stamp holds besides its size and
// modification time: its inode and its change time, which no tool can set
// back as it can the modification time.
func statExtra(info os.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	ctime := changeTime(st)
	return fmt.Sprintf("%d %d.%d", st.Ino, ctime.Sec, ctime.Nsec)
}
