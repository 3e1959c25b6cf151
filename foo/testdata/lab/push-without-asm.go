// Push mode with foo.s deleted: foo/foo.go is unchanged, its empty
// assembly file is gone.
//
// A function declared without a body must be defined somewhere else. The
// compiler accepts that only if the package has an assembly file (which
// might define it) or a //go:linkname directive on the function. With
// neither, it stops at Div: "missing function body".
//
//lab:delete foo/foo.s
//lab:build ./push
//lab:want go1.26 go1.27 fails "missing function body"
package foo
