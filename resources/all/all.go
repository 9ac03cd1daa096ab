// Package all links every resource kind into the binary: each kind
// registers itself in init, and this package imports them all.
package all

import (
	// Each import registers one or more kinds. Keep one per line, sorted.
)
