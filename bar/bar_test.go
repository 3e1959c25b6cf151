package bar_test

import (
	"testing"

	// This test pulls bar's unexported names, so bar must be linked in.
	_ "example.com/linkname/bar"

	_ "unsafe"
)

//go:linkname add example.com/linkname/bar.add
func add(a, b int) int

// bar pushed its div under the symbol foo.Div, so that is the name to pull
// it by, even here where foo is not imported: the symbol lives in bar's
// object code.
//
//go:linkname div example.com/linkname/foo.Div
func div(a, b int) int

//go:linkname hello example.com/linkname/bar.hello
func hello(name string) string

//go:linkname x example.com/linkname/bar.x
var x int

func TestAdd(t *testing.T) {
	for _, c := range []struct{ a, b, want int }{{1, 2, 3}, {-4, 4, 0}, {0, 0, 0}} {
		if got := add(c.a, c.b); got != c.want {
			t.Errorf("add(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestDiv(t *testing.T) {
	for _, c := range []struct{ a, b, want int }{{2, 1, 2}, {7, 2, 3}, {-9, 3, -3}} {
		if got := div(c.a, c.b); got != c.want {
			t.Errorf("div(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestHello(t *testing.T) {
	if got, want := hello("gopher"), "Hello gopher!"; got != want {
		t.Errorf("hello(%q) = %q, want %q", "gopher", got, want)
	}
}

func TestX(t *testing.T) {
	if x != 12 {
		t.Errorf("x = %d, want 12", x)
	}
}
