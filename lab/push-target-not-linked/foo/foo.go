// Push mode, but nothing links the pushing package: foo no longer imports
// bar.
//
// foo compiles, since foo.s lifts the missing-body check, but the only
// definition of the symbol foo.Div is in bar's object code. With bar not
// in the program, the linker cannot resolve the call.
//
//lab:build ./push
//lab:want go1.26+ fails "relocation target example.com/linkname/foo.Div not defined"
package foo

// Div returns a / b. Its body was meant to come from package bar.
func Div(a, b int) int
