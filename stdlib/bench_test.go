package main

import (
	"math/rand/v2"
	"testing"
	"time"
	_ "unsafe"
)

// The runtime marks these two for outside use, so pulling them needs no
// linker flag. They are what libraries reach for when they want speed.

//go:linkname nanotime runtime.nanotime
func nanotime() int64

//go:linkname cheaprand runtime.cheaprand
func cheaprand() uint32

// Package-level sinks keep the results alive, so the calls are not dropped.
var (
	sinkInt64  int64
	sinkUint32 uint32
)

// BenchmarkClock compares the runtime's monotonic clock with time.Now,
// which reads the wall clock as well and builds a time.Time.
func BenchmarkClock(b *testing.B) {
	b.Run("time.Now", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sinkInt64 += time.Now().UnixNano()
		}
	})
	b.Run("linkname-runtime.nanotime", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sinkInt64 += nanotime()
		}
	})
}

// BenchmarkRand compares the runtime's generator with math/rand/v2, whose
// top-level functions are backed by a ChaCha8 source.
func BenchmarkRand(b *testing.B) {
	b.Run("rand.Uint32", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sinkUint32 += rand.Uint32()
		}
	})
	b.Run("linkname-runtime.cheaprand", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sinkUint32 += cheaprand()
		}
	})
}
