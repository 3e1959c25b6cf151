// Package dep holds the targets that the other packages pull.
package dep

func add(a, b int) int { return a + b }

// Sum is generic: its instances' symbols are the compiler's.
func Sum[T int | float64](s []T) T {
	var total T
	for _, v := range s {
		total += v
	}
	return total
}
