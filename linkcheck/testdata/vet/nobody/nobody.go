// Package nobody declares a function without a body, a directive or
// assembly.
package nobody

func nanotime() int64 // compiler: "missing function body"
