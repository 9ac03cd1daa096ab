package doc

// indexFrom is the size from which an object's keys are indexed: looking
// a key up in a large object by scanning it made a plan of 10,000 agents
// (one agents.entries object) quadratic.
const indexFrom = 16

// keyIndex maps each key of an object to its last member.
type keyIndex struct {
	n   int // len(Members) it was built for
	pos map[string]int
}

// member returns the index of the last member with key, or -1.
func (v *Value) member(key string) int {
	if len(v.Members) >= indexFrom {
		if i, ok := v.index().pos[key]; ok {
			return i
		}
		return -1
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return i
		}
	}
	return -1
}

// index returns the object's key index, building it when it is missing or
// was built for another length of Members (an edit outside Set and
// Delete). Concurrent readers of one document may each build it; one wins.
func (v *Value) index() *keyIndex {
	if k := v.keys.Load(); k != nil && k.n == len(v.Members) {
		return k
	}
	k := &keyIndex{n: len(v.Members), pos: make(map[string]int, len(v.Members))}
	for i, m := range v.Members {
		k.pos[m.Key] = i
	}
	v.keys.Store(k)
	return k
}

// addMember appends m, keeping its index up to date (Set adding the
// members of a large object one by one stays linear).
func (v *Value) addMember(m *Member) {
	v.Members = append(v.Members, m)
	if k := v.keys.Load(); k != nil && k.n == len(v.Members)-1 {
		k.pos[m.Key] = len(v.Members) - 1
		k.n++
	}
}
