package main

// The output below is what the program must print, written once: go test
// runs main and compares.
//
// Like the program, this test links only with -ldflags=-checklinkname=0.
func Example() {
	main()
	// Output:
	// TooLarge(1e6+1): true
}
