package bar

// tally keeps a running total. Like add, its method carries no directive:
// a pull needs nothing from the target, for methods too.
type tally struct{ total int }

func (t *tally) add(n int) {
	t.total += n
}
