package bar

import (
	"testing"
	_ "unsafe"
)

// pulledAdd is add reached through a bodyless declaration, the way a pull
// from another package reaches it. The compiler cannot see the body behind
// such a declaration, so it never inlines the call (Go issue 20019).
//
//go:linkname pulledAdd example.com/linkname/bar.add
func pulledAdd(a, b int) int

// sink keeps the results alive so that the compiler cannot drop the calls.
var sink int

// BenchmarkAdd compares one function called two ways: directly, where the
// compiler inlines it, and through the linknamed declaration.
func BenchmarkAdd(b *testing.B) {
	b.Run("direct", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink = add(i, sink)
		}
	})
	b.Run("linkname", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink = pulledAdd(i, sink)
		}
	})
}
