package main

// The output below is what the program must print, written once: go test
// runs main and compares.
func Example() {
	main()
	// Output:
	// foo.Div(2, 1): 2
}
