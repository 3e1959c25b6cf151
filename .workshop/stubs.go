package main

func docs(args []string) bool    { return true }
func matrix() bool               { return true }
func timings(args []string) bool { return true }
