module example.com/linkname/linkcheck

go 1.23
