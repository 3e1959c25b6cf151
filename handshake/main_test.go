package main

// The output below is the one place this program's expected output is
// written: go test checks it, and so do make run-all and the README.
func Example() {
	main()
	// Output:
	// Hello("gopher"): Hello gopher!
	// X: 12
}
