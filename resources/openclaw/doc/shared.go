package doc

import "fmt"

// Memoizer runs fn once per key and shares its result (resources.Host).
type Memoizer interface {
	Memo(key string, fn func() (any, error)) (any, error)
}

type shared struct {
	src []byte // kept so that the key's address is not reused
	doc *Document
}

// ParseShared parses the content of the file at path once per run for
// every kind that reads it (openclaw.json is read by the openclaw blocks
// and by cron for the gateway port): the document is parsed once and held
// once. content must be the run's cached read of path; callers must not
// change the document.
func ParseShared(m Memoizer, path string, content []byte) (*Document, error) {
	key := fmt.Sprintf("doc.parse:%s:%p:%d", path, content, len(content))
	v, err := m.Memo(key, func() (any, error) {
		d, err := Parse(content)
		return shared{src: content, doc: d}, err
	})
	if err != nil {
		return nil, err
	}
	return v.(shared).doc, nil
}
