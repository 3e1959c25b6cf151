package main

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
)

// A word is one machine-level piece of a value: its size and alignment in
// bytes, and whether the garbage collector sees a pointer in it.
type word struct {
	size, align int64
	pointer     bool
}

// words flattens a type into the pieces that decide memory safety when a
// value crosses a linkname: a string is a pointer and a length, a slice a
// pointer and two ints, an interface two pointers, a struct its fields.
func words(t types.Type, sizes types.Sizes) []word {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Kind() == types.String:
			return []word{ptrWord(sizes), intWord(sizes)}
		case u.Kind() == types.UnsafePointer:
			return []word{ptrWord(sizes)}
		case u.Info()&types.IsComplex != 0:
			half := sizes.Sizeof(u) / 2
			return []word{{half, half, false}, {half, half, false}}
		}
		return []word{{sizes.Sizeof(u), sizes.Alignof(u), false}}
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature:
		return []word{ptrWord(sizes)}
	case *types.Slice:
		return []word{ptrWord(sizes), intWord(sizes), intWord(sizes)}
	case *types.Interface:
		return []word{ptrWord(sizes), ptrWord(sizes)}
	case *types.Struct:
		var ws []word
		for i := 0; i < u.NumFields(); i++ {
			ws = append(ws, words(u.Field(i).Type(), sizes)...)
		}
		return ws
	case *types.Array:
		elem := words(u.Elem(), sizes)
		var ws []word
		for i := int64(0); i < u.Len() && len(ws) < 64; i++ {
			ws = append(ws, elem...)
		}
		return ws
	}
	return []word{{sizes.Sizeof(t), sizes.Alignof(t), false}}
}

func ptrWord(sizes types.Sizes) word {
	s := sizes.Sizeof(types.Typ[types.UnsafePointer])
	return word{s, s, true}
}

func intWord(sizes types.Sizes) word {
	s := sizes.Sizeof(types.Typ[types.Int])
	return word{s, s, false}
}

// The answers of compareTypes.
const (
	sigIdentical    = "identical"
	sigSameShape    = "same ABI shape under different type names"
	sigPrefix       = "a smaller variable over the start of the target, pointers in the same places"
	sigIncompatible = "incompatible"
)

// compareTypes compares the declaration's type with the target's. For
// functions it compares parameters and results one by one, word by word; a
// method's receiver counts as its first parameter. Variables share memory,
// so for them it compares the layout in memory. It returns one of the
// answers and, when incompatible, what differs.
func compareTypes(local, target types.Type, sizes types.Sizes) (string, []string) {
	if types.Identical(local, target) {
		return sigIdentical, nil
	}
	ls, lok := local.(*types.Signature)
	ts, tok := target.(*types.Signature)
	if lok != tok {
		return sigIncompatible, []string{fmt.Sprintf("%s vs %s", kindOf(local), kindOf(target))}
	}
	if !lok {
		return compareLayouts(local, target, sizes)
	}
	var diffs []string
	for _, side := range []struct {
		name   string
		l, t   []types.Type
		plural string
	}{
		{"param", params(ls), params(ts), "params"},
		{"result", tupleTypes(ls.Results()), tupleTypes(ts.Results()), "results"},
	} {
		for i := range min(len(side.l), len(side.t)) {
			if diff := compareWords(fmt.Sprintf("%s %d", side.name, i+1), side.l[i], side.t[i], sizes); diff != "" {
				diffs = append(diffs, diff)
			}
		}
		if len(side.l) != len(side.t) {
			diffs = append(diffs, fmt.Sprintf("%d %s vs %d", len(side.l), side.plural, len(side.t)))
		}
	}
	if len(diffs) > 0 {
		return sigIncompatible, diffs
	}
	return sigSameShape, nil
}

func compareWords(what string, l, t types.Type, sizes types.Sizes) string {
	lw, tw := words(l, sizes), words(t, sizes)
	if equalWords(lw, tw) {
		return ""
	}
	detailed := len(lw) == len(tw)
	return fmt.Sprintf("%s: %s (%s) vs %s (%s)", what, l, describeWords(lw, detailed), t, describeWords(tw, detailed))
}

func equalWords(a, b []word) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func describeWords(ws []word, detailed bool) string {
	n := fmt.Sprintf("%d words", len(ws))
	if len(ws) == 1 {
		n = "1 word"
	}
	var parts []string
	for _, w := range ws {
		p := fmt.Sprintf("%d bytes", w.size)
		if w.pointer {
			p = "pointer"
		}
		parts = append(parts, p)
	}
	if !detailed {
		return n
	}
	return n + ": " + strings.Join(parts, ", ")
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
// name the same memory. The local one may be smaller and read the start
// of the target, as long as the garbage collector finds pointers in the
// same places on both sides.
func compareLayouts(local, target types.Type, sizes types.Sizes) (string, []string) {
	ls, ts := sizes.Sizeof(local), sizes.Sizeof(target)
	lp, tp := pointerOffsets(local, 0, sizes), pointerOffsets(target, 0, sizes)
	var tpInLocal []int64
	for _, off := range tp {
		if off < ls {
			tpInLocal = append(tpInLocal, off)
		}
	}
	switch {
	case ls > ts || !slices.Equal(lp, tpInLocal):
		return sigIncompatible, []string{fmt.Sprintf("value: %s (%s) vs %s (%s)",
			local, describeLayout(ls, lp), target, describeLayout(ts, tp))}
	case ls < ts:
		return sigPrefix, []string{fmt.Sprintf("%d of %d bytes", ls, ts)}
	}
	return sigSameShape, nil
}

// pointerOffsets returns the offsets, from base, at which t holds a
// pointer.
func pointerOffsets(t types.Type, base int64, sizes types.Sizes) []int64 {
	var offs []int64
	switch u := t.Underlying().(type) {
	case *types.Struct:
		fields := make([]*types.Var, u.NumFields())
		for i := range fields {
			fields[i] = u.Field(i)
		}
		for i, off := range sizes.Offsetsof(fields) {
			offs = append(offs, pointerOffsets(fields[i].Type(), base+off, sizes)...)
		}
	case *types.Array:
		elem := pointerOffsets(u.Elem(), 0, sizes)
		stride := sizes.Sizeof(u.Elem())
		for i := int64(0); len(elem) > 0 && i < u.Len(); i++ {
			for _, off := range elem {
				offs = append(offs, base+i*stride+off)
			}
		}
	default: // the words of other types lie one after the other
		for _, w := range words(t, sizes) {
			if w.pointer {
				offs = append(offs, base)
			}
			base += w.size
		}
	}
	return offs
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
