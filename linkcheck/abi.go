package main

import (
	"fmt"
	"go/types"
	"maps"
	"slices"
	"strings"
)

// The register ABI (Go's internal ABI: $(go env GOROOT)/src/cmd/compile/
// abi-internal.md) decides where each argument and result travels: integer
// registers, floating-point registers, or the stack. Two declarations that
// the linker joins agree when every value travels the same way, with
// pointers in the same places.

// abiRegisters gives, per GOARCH, how many integer and floating-point
// registers carry arguments and results. An architecture without the
// register ABI passes everything on the stack.
var abiRegisters = map[string][2]int{
	"amd64": {9, 15}, "arm64": {16, 16}, "loong64": {16, 16},
	"ppc64": {12, 12}, "ppc64le": {12, 12}, "riscv64": {16, 16},
}

// A piece is one part of a value as the ABI places it: in the next
// integer register, the next floating-point register, or on the stack.
type piece struct {
	class   string // "int", "float", "stack"
	size    int64
	pointer bool
	uintptr bool // an integer that may hold an address
	// On the stack: where it starts in the argument area, and where
	// its pointers and its floating-point numbers are (an integer's bits
	// read as a float are a wrong value).
	offset int64
	ptrs   []int64
	floats []int64
}

// A placed value is one argument or result and where the ABI puts it: in
// registers from first on (of each class), or in one piece on the stack.
type placed struct {
	typ    types.Type
	pieces []piece
	first  [2]int // the first integer and floating-point registers
}

func (v placed) onStack() bool { return len(v.pieces) == 1 && v.pieces[0].class == "stack" }

// abi assigns the values of one signature.
type abi struct {
	sizes     types.Sizes
	regs      [2]int // registers available
	next      [2]int // next free register of each class
	stackSize int64
}

// placeValues assigns a sequence of values, as the ABI does for the
// receiver and arguments, or for the results: each goes in registers
// when it all fits, else on the stack.
func (ab *abi) placeValues(ts []types.Type) []placed {
	ab.next = [2]int{}
	var vs []placed
	for _, t := range ts {
		start := ab.next
		var pieces []piece
		if ab.sizes.Sizeof(t) > 0 && ab.registerPieces(t, &pieces) &&
			ab.next[0] <= ab.regs[0] && ab.next[1] <= ab.regs[1] {
			vs = append(vs, placed{typ: t, pieces: pieces, first: start})
			continue
		}
		ab.next = start
		align := ab.sizes.Alignof(t)
		ab.stackSize = (ab.stackSize + align - 1) / align * align
		size := ab.sizes.Sizeof(t)
		vs = append(vs, placed{typ: t,
			pieces: []piece{{class: "stack", offset: ab.stackSize, size: size, ptrs: pointerOffsets(t, 0, ab.sizes), floats: floatOffsets(t, 0, ab.sizes)}}})
		ab.stackSize += size
	}
	ptr := ab.sizes.Sizeof(types.Typ[types.Uintptr])
	ab.stackSize = (ab.stackSize + ptr - 1) / ptr * ptr
	return vs
}

// registerPieces breaks t into the base values that go in registers; it
// fails for an array of more than one element.
func (ab *abi) registerPieces(t types.Type, out *[]piece) bool {
	ptr := ab.sizes.Sizeof(types.Typ[types.Uintptr])
	add := func(class string, size int64, pointer bool) {
		*out = append(*out, piece{class: class, size: size, pointer: pointer})
		if class == "int" {
			ab.next[0]++
		} else {
			ab.next[1]++
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Kind() == types.String:
			add("int", ptr, true)
			add("int", ptr, false)
		case u.Kind() == types.UnsafePointer:
			add("int", ptr, true)
		case u.Info()&types.IsComplex != 0:
			half := ab.sizes.Sizeof(u) / 2
			add("float", half, false)
			add("float", half, false)
		case u.Info()&types.IsFloat != 0:
			add("float", ab.sizes.Sizeof(u), false)
		case ab.sizes.Sizeof(u) > ptr: // int64 on a 32-bit machine
			add("int", ptr, false)
			add("int", ptr, false)
		default:
			add("int", ab.sizes.Sizeof(u), false)
			(*out)[len(*out)-1].uintptr = u.Kind() == types.Uintptr
		}
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature:
		add("int", ptr, true)
	case *types.Slice:
		add("int", ptr, true)
		add("int", ptr, false)
		add("int", ptr, false)
	case *types.Interface:
		add("int", ptr, true)
		add("int", ptr, true)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !ab.registerPieces(u.Field(i).Type(), out) {
				return false
			}
		}
	case *types.Array:
		switch u.Len() {
		case 0:
		case 1:
			return ab.registerPieces(u.Elem(), out)
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// The answers of compareTypes.
const (
	sigIdentical    = "identical"
	sigSameShape    = "same_abi"
	sigPrefix       = "prefix"
	sigLarger       = "larger"
	sigIncompatible = "incompatible"
)

// What an incompatible declaration risks, worst first.
const (
	riskMemory = "memory" // values land where the other side reads memory or pointers: corruption, crashes
	riskGC     = "gc"     // an address travels as an integer on one side: the garbage collector misses or misreads it
	riskValues = "values" // the other side reads wrong values, but no memory it should not
)

var riskOrder = []string{"", riskValues, riskGC, riskMemory}

// compareTypes compares the declaration's type with the target's. For
// functions it places receiver, parameters and results as the register
// ABI does and compares where each piece travels; variables share memory,
// so for them it compares the layout in memory. It returns one of the
// answers and, when incompatible, the worst risk and what differs.
// hasData says, for variables, which of the two, local and target, has an
// initial value.
//
// Then it compares what both sides point to (pointee.go): a difference
// there makes the answer incompatible, and a difference of size only
// comes back as a note.
func compareTypes(local, target types.Type, sizes types.Sizes, goarch string, hasData [2]bool) (verdict, risk string, diffs, notes []string) {
	if types.Identical(local, target) {
		return sigIdentical, "", nil, nil
	}
	ls, lok := local.(*types.Signature)
	ts, tok := target.(*types.Signature)
	if lok != tok {
		return sigIncompatible, riskMemory, []string{fmt.Sprintf("%s vs %s", kindOf(local), kindOf(target))}, nil
	}
	var pRisk string
	var pDiffs []string
	if lok {
		verdict, risk, diffs = compareSignatures(ls, ts, sizes, goarch)
		pRisk, pDiffs, notes = signaturePointees(ls, ts, sizes)
	} else {
		verdict, risk, diffs = compareLayouts(local, target, sizes, hasData)
		pRisk, pDiffs, notes = variablePointees(local, target, sizes)
	}
	if pRisk != "" {
		return sigIncompatible, worse(risk, pRisk), append(diffs, pDiffs...), notes
	}
	return verdict, risk, diffs, notes
}

// compareSignatures places receiver, parameters and results as the
// register ABI does and compares where each piece travels.
func compareSignatures(ls, ts *types.Signature, sizes types.Sizes, goarch string) (verdict, risk string, diffs []string) {
	lab, tab := &abi{sizes: sizes, regs: abiRegisters[goarch]}, &abi{sizes: sizes, regs: abiRegisters[goarch]}
	sides := []struct {
		name     string
		lv, tv   []placed
		plural   string
		lcnt, tc int
	}{
		{name: "param", lv: lab.placeValues(params(ls)), tv: tab.placeValues(params(ts)), plural: "params"},
		{name: "result", lv: lab.placeValues(tupleTypes(ls.Results())), tv: tab.placeValues(tupleTypes(ts.Results())), plural: "results"},
	}
	for _, side := range sides {
		// What counts is where each piece travels, whatever the values'
		// boundaries: a struct travels as its fields would one by one.
		if r := placementRisk(side.lv, side.tv); r != "" {
			risk = worse(risk, r)
			for i := range min(len(side.lv), len(side.tv)) {
				if l, t := side.lv[i], side.tv[i]; !samePlace(l, t) {
					diffs = append(diffs, fmt.Sprintf("%s %d: %s (%s) vs %s (%s)", side.name, i+1, l.typ, describePlace(l), t.typ, describePlace(t)))
				}
			}
			if len(side.lv) != len(side.tv) {
				diffs = append(diffs, fmt.Sprintf("%d %s vs %d", len(side.lv), side.plural, len(side.tv)))
			}
		}
	}
	if lab.stackSize != tab.stackSize {
		risk = worse(risk, riskMemory)
		diffs = append(diffs, fmt.Sprintf("stack frame: %d bytes vs %d", lab.stackSize, tab.stackSize))
	}
	if len(diffs) > 0 {
		return sigIncompatible, risk, diffs
	}
	return sigSameShape, "", nil
}

func worse(a, b string) string {
	if slices.Index(riskOrder, b) > slices.Index(riskOrder, a) {
		return b
	}
	return a
}

// samePlace reports whether two values travel the same way.
func samePlace(a, b placed) bool {
	return a.first == b.first && slices.EqualFunc(a.pieces, b.pieces, samePiece)
}

func samePiece(x, y piece) bool {
	return sameMemory(x, y) && slices.Equal(x.floats, y.floats)
}

// sameMemory reports whether two pieces take the same bytes, with
// pointers in the same places, whatever numbers they hold.
func sameMemory(x, y piece) bool {
	return x.class == y.class && x.offset == y.offset && x.size == y.size && x.pointer == y.pointer && slices.Equal(x.ptrs, y.ptrs)
}

// A register is one of the sequence of a class: integer or float.
type register struct {
	class string
	n     int
}

// placementRisk says what goes wrong when values placed as ls are read as
// ts: "" when every register and stack byte carries the same kind of
// piece.
func placementRisk(ls, ts []placed) string {
	lregs, lstack := flatten(ls)
	tregs, tstack := flatten(ts)
	risk := ""
	switch {
	case !slices.EqualFunc(lstack, tstack, sameMemory):
		risk = riskMemory
	case !slices.EqualFunc(lstack, tstack, samePiece):
		risk = riskValues // an integer read as a float, or the reverse
	}
	all := maps.Clone(lregs)
	maps.Copy(all, tregs)
	for r := range all {
		p, inL := lregs[r]
		q, inT := tregs[r]
		switch {
		case !inL || !inT:
			// One side leaves a register unset that the other reads.
			if p.pointer || q.pointer {
				risk = worse(risk, riskMemory)
			} else {
				risk = worse(risk, riskValues)
			}
		case p.pointer != q.pointer && (p.uintptr || q.uintptr):
			risk = worse(risk, riskGC)
		case p.pointer != q.pointer:
			risk = worse(risk, riskMemory)
		case p.size != q.size:
			risk = worse(risk, riskValues)
		}
	}
	return risk
}

// flatten lists the pieces of a sequence of values by register, and those
// on the stack in order.
func flatten(vs []placed) (map[register]piece, []piece) {
	regs := map[register]piece{}
	var stack []piece
	for _, v := range vs {
		if v.onStack() {
			stack = append(stack, v.pieces[0])
			continue
		}
		next := v.first
		for _, p := range v.pieces {
			c := 0
			if p.class == "float" {
				c = 1
			}
			regs[register{p.class, next[c]}] = p
			next[c]++
		}
	}
	return regs, stack
}

// describePlace says where a value travels: "int registers 0-1: pointer,
// 8 bytes", "float register 0: 8 bytes", "stack at 0: 24 bytes, pointers
// at 0".
func describePlace(v placed) string {
	if v.onStack() {
		p := v.pieces[0]
		s := fmt.Sprintf("stack at %d: %s", p.offset, describeLayout(p.size, p.ptrs))
		if len(p.floats) > 0 {
			var at []string
			for _, off := range p.floats {
				at = append(at, fmt.Sprint(off))
			}
			s += ", floats at " + strings.Join(at, ", ")
		}
		return s
	}
	if len(v.pieces) == 0 {
		return "nothing"
	}
	var parts []string
	count := [2]int{}
	for _, p := range v.pieces {
		c := 0
		if p.class == "float" {
			c = 1
		}
		count[c]++
		s := fmt.Sprintf("%d bytes", p.size)
		if p.pointer {
			s = "pointer"
		}
		parts = append(parts, p.class+" "+s)
	}
	var regs []string
	for c, name := range []string{"int", "float"} {
		switch count[c] {
		case 0:
		case 1:
			regs = append(regs, fmt.Sprintf("%s register %d", name, v.first[c]))
		default:
			regs = append(regs, fmt.Sprintf("%s registers %d-%d", name, v.first[c], v.first[c]+count[c]-1))
		}
	}
	return strings.Join(regs, ", ") + ": " + strings.Join(parts, ", ")
}

// params returns the parameter types, with the receiver first for a method.
func params(s *types.Signature) []types.Type {
	var ts []types.Type
	if r := s.Recv(); r != nil {
		ts = append(ts, r.Type())
	}
	return append(ts, tupleTypes(s.Params())...)
}

func tupleTypes(t *types.Tuple) []types.Type {
	var ts []types.Type
	for i := 0; i < t.Len(); i++ {
		ts = append(ts, t.At(i).Type())
	}
	return ts
}

func kindOf(t types.Type) string {
	if _, ok := t.(*types.Signature); ok {
		return "func " + t.String()
	}
	return "variable of type " + t.String()
}

// compareLayouts compares two variables that the linker makes one: both
// name the same memory. Of two symbols of one name, the linker keeps the
// one with data (an initial value) or, both without, the larger (addSym in
// cmd/link/internal/loader/loader.go), and gives it the larger of the two
// sizes: neither side reads past the end. The kept side's type tells the
// garbage collector where the pointers are. So the two agree when, where
// they overlap, pointers are in the same places, and the side the linker
// does not keep holds no pointer past the other's end. hasData says which
// sides, local and target, have data.
func compareLayouts(local, target types.Type, sizes types.Sizes, hasData [2]bool) (verdict, risk string, diffs []string) {
	ls, ts := sizes.Sizeof(local), sizes.Sizeof(target)
	lp, tp := pointerOffsets(local, 0, sizes), pointerOffsets(target, 0, sizes)
	overlap := min(ls, ts)
	below := func(offs []int64) []int64 {
		return slices.DeleteFunc(slices.Clone(offs), func(off int64) bool { return off >= overlap })
	}
	// The larger side's pointers past the overlap count only when the
	// linker keeps that side.
	localKept := hasData[0] || !hasData[1] && ls > ts
	lostPointers := ls > ts && !localKept && len(below(lp)) < len(lp) ||
		ts > ls && localKept && len(below(tp)) < len(tp)
	switch {
	case !slices.Equal(below(lp), below(tp)) || lostPointers:
		return sigIncompatible, riskMemory, []string{fmt.Sprintf("value: %s (%s) vs %s (%s)",
			local, describeLayout(ls, lp), target, describeLayout(ts, tp))}
	case ls < ts:
		return sigPrefix, "", []string{fmt.Sprintf("%d of %d bytes", ls, ts)}
	case ls > ts:
		return sigLarger, "", []string{fmt.Sprintf("%d bytes over %d", ls, ts)}
	}
	return sigSameShape, "", nil
}

func describeLayout(size int64, pointers []int64) string {
	if len(pointers) == 0 {
		return fmt.Sprintf("%d bytes, no pointers", size)
	}
	var at []string
	for _, off := range pointers {
		at = append(at, fmt.Sprint(off))
	}
	return fmt.Sprintf("%d bytes, pointers at %s", size, strings.Join(at, ", "))
}
