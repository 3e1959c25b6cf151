module example.com/linkname/push

go 1.23

require example.com/linkname/foo v0.0.0

require example.com/linkname/bar v0.0.0 // indirect

replace (
	example.com/linkname/bar => ../bar
	example.com/linkname/foo => ../foo
)
