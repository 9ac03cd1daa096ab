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

// ForgetCatalog drops what PerCatalog keeps for c, once its cross-block
// checks are done: a plan does not need the indexes of validation, nor
// should the memo keep the catalog alive after its run.
func ForgetCatalog(c Catalog) {
	catalogMemo.Lock()
	defer catalogMemo.Unlock()
	if c != nil && reflect.TypeOf(c).Comparable() && catalogMemo.catalog == c {
		catalogMemo.catalog, catalogMemo.values = nil, nil
	}
}
