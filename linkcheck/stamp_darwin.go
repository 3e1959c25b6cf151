package main

import "syscall"

// changeTime is when the file's inode last changed.
func changeTime(st *syscall.Stat_t) syscall.Timespec { return st.Ctimespec }
