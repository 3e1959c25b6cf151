package main

// What the program prints once it links: the one place this exercise's
// expected output is written.
func Example() {
	main()
	// Output:
	// tally after adding 40 and 2: 42
}
