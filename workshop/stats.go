package main

import "slices"

// The measuring targets' one summary of repeated measurements (make bench,
// make timings): the minimum, the median and the maximum.
type stats[T ~int64 | ~float64] struct{ min, median, max T }

// statsOf summarizes xs, which must not be empty. With an even number of
// measurements the median is the mean of the middle two.
func statsOf[T ~int64 | ~float64](xs []T) stats[T] {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	median := s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return stats[T]{min: s[0], median: median, max: s[n-1]}
}
