module example.com/linkname/workshop

go 1.23
