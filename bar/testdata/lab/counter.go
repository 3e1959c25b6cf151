// An extra file for bar, used by the method case in pull/testdata/lab.
package bar

type counter struct{ n int }

func (c *counter) add(d int) int {
	c.n += d
	return c.n
}
