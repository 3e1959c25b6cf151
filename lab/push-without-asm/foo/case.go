// Push mode with foo.s deleted: foo/foo.go is unchanged, its empty
// assembly file is gone.
//
// The compiler accepts a function without a body only if the package has
// an assembly file (which might define it) or a //go:linkname directive on
// the function; with neither, it stops at Div.
//
// This file only carries the case's header: it is added to foo and
// declares nothing.
//
//lab:delete foo/foo.s
//lab:build ./push
//lab:want go1.26+ fails "missing function body"
package foo
