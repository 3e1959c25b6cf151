package main

// What the program prints once it links: the one place this exercise's
// expected output is written.
func Example() {
	main()
	// Output:
	// the clock moved on by the millisecond slept: true
}
