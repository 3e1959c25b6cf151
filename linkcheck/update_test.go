package main

import "flag"

// update rewrites the golden records under testdata and the README
// blocks that tests write, instead of comparing with them:
// go test -run TestX -update.
var update = flag.Bool("update", false, "rewrite the golden records and README blocks instead of comparing with them")
