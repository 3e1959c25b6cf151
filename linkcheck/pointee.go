package main

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
)

// Layouts through pointers. The register ABI sees a pointer as one word,
// whatever it points to. When both declarations pass a pointer to a
// struct (a module's copy of a runtime type, say), the two sides read and
// write one object, each through its own struct: the fields must sit at
// the same offsets, with the same sizes, pointers where the other side
// has pointers and floating-point numbers where it has them. The same
// holds for a variable of struct type over the target's, and for a
// variable of pointer type.
//
// What linkcheck compares: a parameter, receiver or result of the same
// place on both sides, or the variable itself, when both are pointers to
// structs (or both structs, for a variable); one level down, not the
// pointers inside the pointees. A pointee of size zero is an opaque
// handle that its side never reads (go-json's runtime.Type): nothing to
// compare. An unsafe.Pointer on either side is not followed: what it
// points to shows only in function bodies, which linkcheck does not
// type-check.

// A field is one value in a struct's memory, as far down as the layout
// goes: a pointer, an integer, a floating-point number, or an array of
// elements that hold neither pointers nor floats, taken whole.
type field struct {
	name         string
	typ          types.Type
	offset, size int64
	kind         string // fieldPointer, fieldInt, fieldUintptr, fieldFloat
}

const (
	fieldPointer = "pointer"
	fieldInt     = "int"
	fieldUintptr = "uintptr" // an integer that may hold an address
	fieldFloat   = "float"
)

// fieldsOf walks t's layout from base and lists its fields, named from
// name down ("Type.Hash", "s.len").
func fieldsOf(t types.Type, name string, base int64, sizes types.Sizes) []field {
	ptr := sizes.Sizeof(types.Typ[types.Uintptr])
	one := func(kind string, size int64) []field {
		return []field{{name: name, typ: t, offset: base, size: size, kind: kind}}
	}
	words := func(kinds ...string) []field {
		var fs []field
		for i, kind := range kinds {
			fs = append(fs, field{name: name + "." + []string{"data", "len", "cap"}[i], typ: t, offset: base + int64(i)*ptr, size: ptr, kind: kind})
		}
		return fs
	}
	switch u := t.Underlying().(type) {
	case *types.Struct:
		vars := make([]*types.Var, u.NumFields())
		for i := range vars {
			vars[i] = u.Field(i)
		}
		var fs []field
		for i, off := range sizes.Offsetsof(vars) {
			fs = append(fs, fieldsOf(vars[i].Type(), joinName(name, vars[i].Name()), base+off, sizes)...)
		}
		return fs
	case *types.Array:
		elem := fieldsOf(u.Elem(), "", 0, sizes)
		if !slices.ContainsFunc(elem, func(f field) bool { return f.kind == fieldPointer || f.kind == fieldFloat }) {
			if size := sizes.Sizeof(u); size > 0 {
				return one(fieldInt, size)
			}
			return nil
		}
		var fs []field
		stride := sizes.Sizeof(u.Elem())
		for i := range u.Len() {
			fs = append(fs, fieldsOf(u.Elem(), fmt.Sprintf("%s[%d]", name, i), base+i*stride, sizes)...)
		}
		return fs
	case *types.Basic:
		switch {
		case u.Kind() == types.String:
			return words(fieldPointer, fieldInt)
		case u.Kind() == types.UnsafePointer:
			return one(fieldPointer, ptr)
		case u.Info()&types.IsComplex != 0:
			half := sizes.Sizeof(u) / 2
			return []field{{name + ".real", t, base, half, fieldFloat}, {name + ".imag", t, base + half, half, fieldFloat}}
		case u.Info()&types.IsFloat != 0:
			return one(fieldFloat, sizes.Sizeof(u))
		case u.Kind() == types.Uintptr:
			return one(fieldUintptr, ptr)
		case sizes.Sizeof(u) > 0:
			return one(fieldInt, sizes.Sizeof(u))
		}
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature:
		return one(fieldPointer, ptr)
	case *types.Slice:
		return words(fieldPointer, fieldInt, fieldInt)
	case *types.Interface:
		return words(fieldPointer, fieldPointer)
	}
	return nil
}

func joinName(outer, inner string) string {
	if outer == "" {
		return inner
	}
	return outer + "." + inner
}

// offsetsOfKind returns the offsets, from base, at which t holds a field
// of the kind.
func offsetsOfKind(t types.Type, base int64, sizes types.Sizes, kind string) []int64 {
	var offs []int64
	for _, f := range fieldsOf(t, "", base, sizes) {
		if f.kind == kind {
			offs = append(offs, f.offset)
		}
	}
	return offs
}

// pointerOffsets returns the offsets, from base, at which t holds a
// pointer.
func pointerOffsets(t types.Type, base int64, sizes types.Sizes) []int64 {
	return offsetsOfKind(t, base, sizes, fieldPointer)
}

// floatOffsets returns the offsets, from base, at which t holds a
// floating-point number (each half of a complex one).
func floatOffsets(t types.Type, base int64, sizes types.Sizes) []int64 {
	return offsetsOfKind(t, base, sizes, fieldFloat)
}

// compareFields compares two layouts of one object, field by field, in
// the bytes both cover: it returns the worst risk and, for each run of
// overlapping fields that differ, "at OFFSET: local's vs target's". A
// blank field that holds no pointer is padding, as the bytes between
// fields are.
func compareFields(local, target []field, overlap int64) (risk string, diffs []string) {
	keep := func(fs []field) []field {
		return slices.DeleteFunc(slices.Clone(fs), func(f field) bool {
			return f.offset >= overlap || (f.name == "_" || strings.HasSuffix(f.name, "._")) && f.kind != fieldPointer
		})
	}
	type sided struct {
		field
		target bool
	}
	var all []sided
	for _, f := range keep(local) {
		all = append(all, sided{f, false})
	}
	for _, f := range keep(target) {
		all = append(all, sided{f, true})
	}
	slices.SortStableFunc(all, func(a, b sided) int { return int(a.offset - b.offset) })
	// Runs of fields whose bytes overlap, of either side.
	for i := 0; i < len(all); {
		end, j := all[i].offset+all[i].size, i+1
		for ; j < len(all) && all[j].offset < end; j++ {
			end = max(end, all[j].offset+all[j].size)
		}
		var l, t []field
		for _, s := range all[i:j] {
			if s.target {
				t = append(t, s.field)
			} else {
				l = append(l, s.field)
			}
		}
		if r := runRisk(l, t); r != "" {
			risk = worse(risk, r)
			diffs = append(diffs, fmt.Sprintf("at %d: %s vs %s", all[i].offset, describeFields(l), describeFields(t)))
		}
		i = j
	}
	return risk, diffs
}

// runRisk says what goes wrong when one run of overlapping bytes is
// read as t where it was written as l, or the reverse: "" when both
// sides have one field of the same size and kind there.
func runRisk(l, t []field) string {
	sameKind := func(a, b field) bool {
		integer := func(k string) bool { return k == fieldInt || k == fieldUintptr }
		return a.kind == b.kind || integer(a.kind) && integer(b.kind)
	}
	if len(l) == 1 && len(t) == 1 && l[0].offset == t[0].offset && l[0].size == t[0].size && sameKind(l[0], t[0]) {
		return ""
	}
	// A pointer on one side must meet a pointer on the other; a uintptr
	// there hides it from the garbage collector, anything else is read
	// as an address or written over one.
	risk := riskValues
	check := func(mine, theirs []field) {
		for _, p := range mine {
			if p.kind != fieldPointer {
				continue
			}
			k := slices.IndexFunc(theirs, func(f field) bool { return f.offset == p.offset && f.size == p.size })
			switch {
			case k >= 0 && theirs[k].kind == fieldPointer:
			case k >= 0 && theirs[k].kind == fieldUintptr:
				risk = worse(risk, riskGC)
			default:
				risk = worse(risk, riskMemory)
			}
		}
	}
	check(l, t)
	check(t, l)
	return risk
}

// describeFields lists a run of fields: "Flags uint32", "KeySize uint8
// at 80, ElemSize uint8 at 81", or "nothing" (padding).
func describeFields(fs []field) string {
	if len(fs) == 0 {
		return "nothing"
	}
	qualifier := func(p *types.Package) string { return p.Name() }
	var parts []string
	for _, f := range fs {
		s := strings.TrimSpace(f.name + " " + types.TypeString(f.typ, qualifier))
		if len(fs) > 1 {
			s += fmt.Sprintf(" at %d", f.offset)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// structPointee returns the struct that t points to, when t is a
// pointer to a struct of non-zero size.
func structPointee(t types.Type, sizes types.Sizes) (types.Type, bool) {
	p, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return nil, false
	}
	_, isStruct := p.Elem().Underlying().(*types.Struct)
	return p.Elem(), isStruct && sizes.Sizeof(p.Elem()) > 0
}

// comparePointees compares, field by field, the structs that the local
// and target types point to, when both point to one: what is wrong
// where they overlap (risk and diffs, each prefixed with what), and,
// when the two differ in size only, a note saying so.
func comparePointees(what string, local, target types.Type, sizes types.Sizes) (risk string, diffs, notes []string) {
	lp, lok := structPointee(local, sizes)
	tp, tok := structPointee(target, sizes)
	if !lok || !tok || types.Identical(lp, tp) {
		return "", nil, nil
	}
	risk, diffs = compareStructs(what+" points to", lp, tp, sizes)
	if risk == "" {
		if ls, ts := sizes.Sizeof(lp), sizes.Sizeof(tp); ls != ts {
			notes = append(notes, fmt.Sprintf("%s points to %s, %d bytes, and the target's to %s, %d bytes: they agree where they overlap, and the side with the larger struct must be the one that allocates it",
				what, typeName(lp), ls, typeName(tp), ts))
		}
	}
	return risk, diffs, notes
}

// compareStructs compares two struct layouts of one object.
func compareStructs(what string, local, target types.Type, sizes types.Sizes) (risk string, diffs []string) {
	ls, ts := sizes.Sizeof(local), sizes.Sizeof(target)
	risk, fieldDiffs := compareFields(fieldsOf(local, "", 0, sizes), fieldsOf(target, "", 0, sizes), min(ls, ts))
	for _, d := range fieldDiffs {
		diffs = append(diffs, fmt.Sprintf("%s %s vs %s: %s", what, typeName(local), typeName(target), d))
	}
	return risk, diffs
}

func typeName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// signaturePointees compares the pointees of the parameters (receiver
// first) and results that both signatures pass as pointers to structs.
func signaturePointees(ls, ts *types.Signature, sizes types.Sizes) (risk string, diffs, notes []string) {
	for _, side := range []struct {
		name   string
		lt, tt []types.Type
	}{
		{"param", params(ls), params(ts)},
		{"result", tupleTypes(ls.Results()), tupleTypes(ts.Results())},
	} {
		for i := range min(len(side.lt), len(side.tt)) {
			r, d, n := comparePointees(fmt.Sprintf("%s %d", side.name, i+1), side.lt[i], side.tt[i], sizes)
			risk = worse(risk, r)
			diffs, notes = append(diffs, d...), append(notes, n...)
		}
	}
	return risk, diffs, notes
}

// variablePointees compares, for two variables, the structs that both
// are, field by field, or the structs that both point to.
func variablePointees(local, target types.Type, sizes types.Sizes) (risk string, diffs, notes []string) {
	_, lok := local.Underlying().(*types.Struct)
	_, tok := target.Underlying().(*types.Struct)
	if lok && tok {
		risk, diffs = compareStructs("value", local, target, sizes)
		return risk, diffs, nil
	}
	return comparePointees("value", local, target, sizes)
}
