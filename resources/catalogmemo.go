package resources

import (
	"reflect"
	"sync"
)

var catalogMemo struct {
	sync.Mutex
	catalog Catalog
	values  map[string]any
}

// PerCatalog returns fn's result for catalog c, computing it once per
// catalog and key. Cross-block checks use it to build one index for all
// blocks of a kind instead of scanning every other block from each (which
// makes validating N blocks cost N squared). Only the newest catalog is
// kept; a catalog that is not comparable is never cached.
func PerCatalog[T any](c Catalog, key string, fn func() T) T {
	if c == nil || !reflect.TypeOf(c).Comparable() {
		return fn()
	}
	catalogMemo.Lock()
	if catalogMemo.catalog != c {
		catalogMemo.catalog, catalogMemo.values = c, map[string]any{}
	}
	if v, ok := catalogMemo.values[key]; ok {
		catalogMemo.Unlock()
		return v.(T)
	}
	catalogMemo.Unlock()
	v := fn() // outside the lock: fn may itself ask for another key
	catalogMemo.Lock()
	if catalogMemo.catalog == c {
		catalogMemo.values[key] = v
	}
	catalogMemo.Unlock()
	return v
}
