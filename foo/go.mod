module example.com/linkname/foo

go 1.23

require example.com/linkname/bar v0.0.0

replace example.com/linkname/bar => ../bar
