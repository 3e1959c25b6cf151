package main

import (
	"runtime"
	"sync"
)

// parallel calls work(i) for each i from 0 to n-1, as many at a time as
// the machine has cores, and returns when all have returned. Each call
// writes only its own i's results, so the caller reads them in order
// afterwards.
func parallel(n int, work func(i int)) {
	slots := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			work(i)
		}()
	}
	wg.Wait()
}
