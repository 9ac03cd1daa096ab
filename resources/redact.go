package resources

import (
	"sort"
	"strings"
	"sync"
)

// Redacted is what a secret value is replaced with in any output.
const Redacted = "(sensitive value)"

// Redactor remembers secret values and scrubs them from text. The engine
// passes every line it prints, logs or saves through it: a last line of
// defence behind kinds that never put values in changes to begin with.
type Redactor struct {
	mu     sync.RWMutex
	values map[string]bool
	r      *strings.Replacer
}

// NewRedactor returns an empty Redactor.
func NewRedactor() *Redactor { return &Redactor{values: map[string]bool{}} }

// Add remembers a secret value. Values shorter than 4 bytes are not
// scrubbed (they would mangle ordinary text) and must not be secrets.
func (r *Redactor) Add(v string) {
	if len(v) < 4 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.values[v] {
		return
	}
	r.values[v] = true
	vals := make([]string, 0, len(r.values))
	for s := range r.values {
		vals = append(vals, s)
	}
	// Longest first, so a secret containing another is scrubbed whole.
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	pairs := make([]string, 0, 2*len(vals))
	for _, s := range vals {
		pairs = append(pairs, s, Redacted)
	}
	r.r = strings.NewReplacer(pairs...)
}

// Redact returns s with every known secret value replaced.
func (r *Redactor) Redact(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
}
