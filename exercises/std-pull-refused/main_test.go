package main

// What the program prints once it links: the one place this exercise's
// expected output is written.
func Example() {
	main()
	// Output:
	// sum: 499500; the clock did not go backwards: true
}
