module example.com/linkname/stdlib

go 1.23
