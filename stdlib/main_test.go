package main

// The output below is the one place this program's expected output is
// written: go test checks it, and so do make run-all and the README.
//
// Like the program, this test links only with -ldflags=-checklinkname=0.
func Example() {
	main()
	// Output:
	// TooLarge(1e6+1): true
}
