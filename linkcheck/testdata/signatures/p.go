// Package p holds the declarations that TestSignatures compares. A
// declaration's line says what comparing it, as the local side, with
// each target gives: // want "TARGET VERDICT[/RISK][: DIFFERENCES]",
// one quoted string per target, matched exactly.
package p

import "unsafe"

type myInt int
type pair struct{ a, b int }
type ptrs struct{ a, b *int }
type mixed struct {
	n int
	f float64
}

func intInt(a, b int) int // want "intInt2 identical"
func intInt2(x, y int) int
func myInts(a, b myInt) myInt // want "intInt same_abi"
func str(s string) int        // want "oneParam incompatible/memory: param 1: string (int registers 0-1: int pointer, int 8 bytes) vs int (int register 0: int 8 bytes)" "twoInts incompatible/memory: param 1: string (int registers 0-1: int pointer, int 8 bytes) vs int (int register 0: int 8 bytes); 1 params vs 2"
func twoInts(a, b int) int
func ptrPair(p ptrs) // want "intPair incompatible/memory: param 1: p.ptrs (int registers 0-1: int pointer, int pointer) vs p.pair (int registers 0-1: int 8 bytes, int 8 bytes)"
func intPair(p pair)
func oneParam(a int) int
func bytesFn(b []byte) int // want "stringFn incompatible/values: param 1: []byte (int registers 0-2: int pointer, int 8 bytes, int 8 bytes) vs string (int registers 0-1: int pointer, int 8 bytes)"
func stringFn(s string) int

// An interface travels as two pointers.
func iface(v any) // want "twoPtrs same_abi"
func twoPtrs(a, b *int)
func intsOnly(a, b int)

// Integers and floats travel in different registers.
func nanoFloat() float64 // want "nanoInt incompatible/values: result 1: float64 (float register 0: float 8 bytes) vs int64 (int register 0: int 8 bytes)"
func nanoInt() int64

// A struct travels field by field: the same registers as its fields
// passed one by one.
func mixedStruct(m mixed) // want "mixedArgs same_abi"
func mixedArgs(n int, f float64)

// An array of two goes on the stack.
func array2(a [2]int) // want "intsOnly incompatible/memory: param 1: [2]int (stack at 0: 16 bytes, no pointers) vs int (int register 0: int 8 bytes); 1 params vs 2; stack frame: 16 bytes vs 0"
func addr(p unsafe.Pointer)
func uaddr(p uintptr) // want "addr incompatible/gc: param 1: uintptr (int register 0: int 8 bytes) vs unsafe.Pointer (int register 0: int pointer)"

// Out of integer registers: the string and all after it go on the
// stack.
func nineInts(a, b, c, d, e, f, g, h, i int, s string) // want "nineIntsPtr incompatible/memory: param 10: string (stack at 0: 16 bytes, pointers at 0) vs *byte (stack at 0: 8 bytes, pointers at 0); 10 params vs 11"
func nineIntsPtr(a, b, c, d, e, f, g, h, i int, p *byte, n int)

// The linker gives the symbol the larger size: a larger variable stays
// in bounds, and the garbage collector must find the pointers in the
// type of the side the linker keeps, the one with data or else the
// larger one.
var i64 int64  // want "u64 same_abi" "i32 larger: 8 bytes over 4" "oneParam incompatible/memory: variable of type int64 vs func func(a int) int"
var u64 uint64 // want "flag prefix: 8 of 16 bytes"
var i32 int32
var flag struct {
	enabled bool
	pad     [3]byte
	n       uint64
}
var ptr *int // want "ptrs2 prefix: 8 of 16 bytes" "holder incompatible/memory: value: *int (8 bytes, pointers at 0) vs struct{n int; p *int} (16 bytes, pointers at 8)"
var ptrs2 [2]*int
var holder struct { // want "ptr incompatible/memory: value: struct{n int; p *int} (16 bytes, pointers at 8) vs *int (8 bytes, pointers at 0)"
	n int
	p *int
}
var small64 int64 = 5
var tail struct { // want "i64 larger: 16 bytes over 8" "small64 incompatible/memory: value: struct{n int64; p *int} (16 bytes, pointers at 8) vs int64 (8 bytes, no pointers)"
	n int64
	p *int
}
var head struct { // want "ptrData larger: 16 bytes over 8" "small64 incompatible/memory: value: struct{p *int; n int64} (16 bytes, pointers at 0) vs int64 (8 bytes, no pointers)"
	p *int
	n int64
}
var ptrData *int = new(int)

// Through pointers: the structs pointed to, field by field.
type oldIter struct {
	key, elem, t, h unsafe.Pointer
	bucket          uintptr
}
type newIter struct {
	key, elem unsafe.Pointer
	typ       *int
	it        *int
}
type intAt8 struct {
	key unsafe.Pointer
	n   uintptr
	f   float64
}
type ptrAt8 struct {
	key unsafe.Pointer
	p   *int
	g   float64
}
type floatAt8 struct {
	key unsafe.Pointer
	n   uintptr
	f   int64
}
type split struct {
	key  unsafe.Pointer
	a, b uint32
	f    float64
}
type narrow struct {
	key unsafe.Pointer
	n   uint32
	f   float64
}
type opaque struct{}

func withNarrow(p *narrow) // want "takeInt incompatible/values: param 1 points to p.narrow vs p.intAt8: at 8: n uint32 vs n uintptr"
func iterOld(it *oldIter)  // want "iterNew same_abi"
func iterNew(it *newIter)
func withInt(p *intAt8) *intAt8 // want "withPtr incompatible/gc: param 1 points to p.intAt8 vs p.ptrAt8: at 8: n uintptr vs p *int; result 1 points to p.intAt8 vs p.ptrAt8: at 8: n uintptr vs p *int"
func withPtr(p *ptrAt8) *ptrAt8
func withFloat(p *floatAt8) // want "takeInt incompatible/values: param 1 points to p.floatAt8 vs p.intAt8: at 16: f int64 vs f float64"
func takeInt(p *intAt8)
func withSplit(p *split)   // want "takeInt incompatible/values: param 1 points to p.split vs p.intAt8: at 8: a uint32 at 8, b uint32 at 12 vs n uintptr"
func withOpaque(p *opaque) // want "takeInt same_abi"

var varInt intAt8 // want "varPtr incompatible/memory: value: p.intAt8 (24 bytes, pointers at 0) vs p.ptrAt8 (24 bytes, pointers at 0, 8); value p.intAt8 vs p.ptrAt8: at 8: n uintptr vs p *int"
var varPtr ptrAt8
var ptrVarInt *intAt8
var ptrVarSplit *split // want "ptrVarInt incompatible/values: value points to p.split vs p.intAt8: at 8: a uint32 at 8, b uint32 at 12 vs n uintptr"
