package main

// The output below is what the program must print, written once: go test
// runs main and compares.
func Example() {
	main()
	// Output:
	// Add(1, 2): 3
}
