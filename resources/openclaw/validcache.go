package openclaw

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// validMark is a document that validated against one schema: a marker
// file named by a keyed fingerprint of the schema's origin (OpenClaw's
// version and where it came from; a version's schema never changes) and
// the document. Compiling OpenClaw's schema is most of a warm plan's time
// (issue 7: about 23 ms of 49), and a plan of an unchanged host validates
// the same document every time; the second time it is known valid. Only
// successes are kept, so an error is always computed and shown. The name
// is an HMAC under the state directory's key, so it says nothing about a
// value the document holds.
type validMark struct {
	path string
	seen bool
}

// validCacheDir holds the markers, beside the schema cache.
func validCacheDir(h *resources.Host) string {
	return filepath.Join(h.StateDir, "openclaw", "validated")
}

// validatedBefore looks for the marker of doc under origin.
func validatedBefore(h *resources.Host, origin string, doc any) validMark {
	b, err := json.Marshal(doc) // map keys sorted: one document, one encoding
	if err != nil || h.StateDir == "" {
		return validMark{}
	}
	m := validMark{path: filepath.Join(validCacheDir(h), h.Fingerprint([]byte(origin), b))}
	_, err = os.Stat(m.path)
	m.seen = err == nil
	return m
}

// remember writes the marker. A marker that cannot be written (a state
// directory without rights) only means the next plan validates again.
func (m validMark) remember() {
	if m.path != "" {
		_ = hostfs.WriteAtomic(m.path, nil, fileMode, dirMode, hostfs.Keep)
	}
}
