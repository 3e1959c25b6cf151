// An extra file for bar, added by the method case: an unexported type with a
// method for the case to pull.
package bar

type counter struct{ n int }

func (c *counter) add(d int) int {
	c.n += d
	return c.n
}
