package doc

import (
	"errors"
	"fmt"
)

// ErrInTheWay is returned by Set when a value that is not the container
// the path needs sits on the path where replacing it is not allowed.
var ErrInTheWay = errors.New("a value is in the way")

// Get returns the value at p.
func Get(root *Value, p Path) (*Value, bool) {
	cur := root
	for _, s := range p {
		next, ok := child(cur, s)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// child returns the value segment s selects in v.
func child(v *Value, s Seg) (*Value, bool) {
	switch {
	case v == nil:
		return nil, false
	case v.Kind == Object && s.Where == nil:
		return v.Lookup(s.Key)
	case v.Kind == Array:
		if i := find(v, s); i >= 0 {
			return v.Elems[i].Value, true
		}
	}
	return nil, false
}

// find returns the index of the array element s selects, or -1.
func find(v *Value, s Seg) int {
	if s.Where == nil {
		if i, ok := s.index(len(v.Elems)); ok && i < len(v.Elems) {
			return i
		}
		return -1
	}
	for i := len(v.Elems) - 1; i >= 0; i-- {
		if matches(v.Elems[i].Value, s.Where) {
			return i
		}
	}
	return -1
}

// matches reports whether v is an object whose fields hold the conditions.
func matches(v *Value, where []Cond) bool {
	for _, c := range where {
		got, ok := Get(v, Keys(c.Field...))
		if !ok || got.Kind != String || got.Text != c.Value {
			return false
		}
	}
	return v.Kind == Object
}

// Edit is the outcome of one Set or Delete.
type Edit struct {
	// Created lists the containers Set created, outermost first.
	Created []Path
	// Dropped counts the comments inside what was replaced or removed.
	Dropped int
}

// Set puts v at p in root (an object), creating missing containers: an
// object for a key, an array for a Where segment, and the element a Where
// segment selects (with the selecting fields set). A value in the way that
// is not the container the path needs is replaced when it sits at depth
// replaceFrom or deeper (the part of the path the caller owns), and is an
// ErrInTheWay error above it.
func Set(root *Value, p Path, v *Value, replaceFrom int) (Edit, error) {
	var ed Edit
	if len(p) == 0 {
		return ed, fmt.Errorf("%w: cannot replace the whole document", ErrInTheWay)
	}
	if len(p)+depth(v) > maxDepth {
		return ed, fmt.Errorf("%w: the value would nest deeper than %d levels", ErrInTheWay, maxDepth)
	}
	cur := root
	for i, s := range p[:len(p)-1] {
		next, ok := child(cur, s)
		if ok && fits(next, p[i+1]) {
			cur = next
			continue
		}
		if ok && i+1 < replaceFrom {
			return ed, fmt.Errorf("%w at %s: want an %s", ErrInTheWay, p[:i+1], kindName(p[i+1]))
		}
		fresh := container(p[i+1])
		if err := put(cur, s, fresh, &ed); err != nil {
			return ed, fmt.Errorf("%w at %s", err, p[:i+1])
		}
		ed.Created = append(ed.Created, append(Path(nil), p[:i+1]...))
		cur = fresh
	}
	if err := put(cur, p[len(p)-1], v, &ed); err != nil {
		return ed, fmt.Errorf("%w at %s", err, p)
	}
	return ed, nil
}

// fits reports whether v can hold segment s.
func fits(v *Value, s Seg) bool {
	if s.Where != nil {
		return v.Kind == Array
	}
	if v.Kind == Array {
		_, ok := s.index(len(v.Elems))
		return ok
	}
	return v.Kind == Object
}

func container(next Seg) *Value {
	if next.Where != nil {
		return &Value{Kind: Array}
	}
	return &Value{Kind: Object}
}

func kindName(next Seg) string {
	if next.Where != nil {
		return "array"
	}
	return "object"
}

// put sets the value segment s selects in the container cur to v,
// replacing what is there or adding it.
func put(cur *Value, s Seg, v *Value, ed *Edit) error {
	if cur.Kind == Object && s.Where == nil {
		if i := cur.member(s.Key); i >= 0 {
			m := cur.Members[i]
			ed.Dropped += m.Value.Comments()
			m.Value = v
			return nil
		}
		cur.addMember(&Member{Key: s.Key, Value: v})
		return nil
	}
	if cur.Kind != Array {
		return fmt.Errorf("%w: a selector needs an array", ErrInTheWay)
	}
	if i := find(cur, s); i >= 0 {
		ed.Dropped += cur.Elems[i].Value.Comments()
		cur.Elems[i].Value = v
		return nil
	}
	if i, ok := s.index(len(cur.Elems)); s.Where == nil && (!ok || i != len(cur.Elems)) {
		return fmt.Errorf("%w: index %q is out of range", ErrInTheWay, s.Key)
	}
	if s.Where != nil && v.Kind == Object {
		for _, c := range s.Where {
			if _, err := Set(v, Keys(c.Field...), StringValue(c.Value), len(c.Field)); err != nil {
				return err
			}
		}
	}
	cur.Elems = append(cur.Elems, &Elem{Value: v})
	return nil
}

// Delete removes the value at p: every duplicate of an object key (JSON5
// lets the last win, so an earlier one would come back), every array
// element a Where segment selects. It reports whether anything was removed.
func Delete(root *Value, p Path) (bool, Edit) {
	var ed Edit
	if len(p) == 0 {
		return false, ed
	}
	parent, ok := Get(root, p[:len(p)-1])
	if !ok {
		return false, ed
	}
	s := p[len(p)-1]
	removed := false
	switch {
	case parent.Kind == Object && s.Where == nil:
		kept := parent.Members[:0]
		for _, m := range parent.Members {
			if m.Key == s.Key {
				ed.Dropped += len(m.Comments) + m.Value.Comments()
				removed = true
				continue
			}
			kept = append(kept, m)
		}
		parent.Members = kept
		parent.keys.Store(nil)
	case parent.Kind == Array:
		removed = deleteElems(parent, s, &ed)
	}
	return removed, ed
}

func deleteElems(arr *Value, s Seg, ed *Edit) bool {
	if s.Where == nil {
		i := find(arr, s)
		if i < 0 {
			return false
		}
		ed.Dropped += len(arr.Elems[i].Comments) + arr.Elems[i].Value.Comments()
		arr.Elems = append(arr.Elems[:i], arr.Elems[i+1:]...)
		return true
	}
	kept, removed := arr.Elems[:0], false
	for _, e := range arr.Elems {
		if matches(e.Value, s.Where) {
			ed.Dropped += len(e.Comments) + e.Value.Comments()
			removed = true
			continue
		}
		kept = append(kept, e)
	}
	arr.Elems = kept
	return removed
}

// Hollow reports whether v holds nothing of its own: an empty object or
// array, or an object holding only the fields that select it (where).
func Hollow(v *Value, where []Cond) bool {
	switch v.Kind {
	case Array:
		return len(v.Elems) == 0
	case Object:
		for _, k := range v.Keys() {
			var sub []Cond
			for _, c := range where {
				if c.Field[0] == k {
					sub = append(sub, Cond{Field: c.Field[1:], Value: c.Value})
				}
			}
			m, _ := v.Lookup(k)
			if !selectorOnly(m, sub) {
				return false
			}
		}
		return true
	}
	return false
}

func selectorOnly(v *Value, conds []Cond) bool {
	for _, c := range conds {
		if len(c.Field) == 0 {
			return v.Kind == String && v.Text == c.Value
		}
	}
	return len(conds) > 0 && v.Kind == Object && Hollow(v, conds)
}

// Index returns the index of the element segment s selects in the array
// v, or -1.
func Index(v *Value, s Seg) int {
	if v == nil || v.Kind != Array {
		return -1
	}
	return find(v, s)
}

// depth is how many containers deep v nests.
func depth(v *Value) int {
	d := 0
	for _, m := range v.Members {
		d = max(d, depth(m.Value))
	}
	for _, e := range v.Elems {
		d = max(d, depth(e.Value))
	}
	if v.Kind == Object || v.Kind == Array {
		d++
	}
	return d
}
