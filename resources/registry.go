package resources

import (
	"fmt"
	"sort"
	"sync"
)

// BlockTypes are the block types a manifest may declare, built or not. A
// block of a type without a registered Kind is recognised and reported as
// "not implemented yet", never as an unknown block.
var BlockTypes = []string{
	"vm", "network", "firewall", "sandbox", "gateway",
	"secret", "llm_provider", "channel", "agent", "cron",
}

var registry = struct {
	sync.RWMutex
	kinds        map[string]Kind
	synthesizers []Synthesizer
}{kinds: map[string]Kind{}}

// Register adds a kind. Kinds call it from init; a duplicate name panics, as
// it can only be a programming error.
func Register(k Kind) {
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.kinds[k.Name()]; dup {
		panic(fmt.Sprintf("resources: kind %q registered twice", k.Name()))
	}
	registry.kinds[k.Name()] = k
}

// RegisterSynthesizer adds a synthesizer; they run in registration order.
func RegisterSynthesizer(s Synthesizer) {
	registry.Lock()
	defer registry.Unlock()
	registry.synthesizers = append(registry.synthesizers, s)
}

// Lookup returns the registered kind of that name.
func Lookup(name string) (Kind, bool) {
	registry.RLock()
	defer registry.RUnlock()
	k, ok := registry.kinds[name]
	return k, ok
}

// Kinds returns the registered kind names, sorted.
func Kinds() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.kinds))
	for n := range registry.kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Synthesizers returns the registered synthesizers.
func Synthesizers() []Synthesizer {
	registry.RLock()
	defer registry.RUnlock()
	return append([]Synthesizer(nil), registry.synthesizers...)
}

// IsBlockType reports whether name is a block type a manifest may declare.
func IsBlockType(name string) bool {
	for _, t := range BlockTypes {
		if t == name {
			return true
		}
	}
	return false
}
