module example.com/linkname/bar

go 1.23
