package secret

import (
	"crypto/rand"
	"path/filepath"
	"strings"
	"time"
)

const (
	minLength  = 16
	maxLength  = 4096
	maxTimeout = 5 * time.Minute
)

// alphabets are the characters a generated value is drawn from. All of
// them are safe unquoted in an env file and in a URL.
var alphabets = map[string]string{
	"hex":       "0123456789abcdef",
	"base64url": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
	"alnum":     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
}

// generate returns n characters drawn uniformly from the alphabet with
// crypto/rand (rejection sampling, so no character is more likely).
func generate(g generateSpec) []byte {
	chars := alphabets[g.Alphabet]
	limit := 256 - 256%len(chars)
	out := make([]byte, 0, g.Length)
	buf := make([]byte, 64)
	for len(out) < g.Length {
		rand.Read(buf) // never fails (crypto/rand aborts the process instead)
		for _, b := range buf {
			if int(b) < limit && len(out) < g.Length {
				out = append(out, chars[int(b)%len(chars)])
			}
		}
	}
	return out
}

// fits reports whether a stored value still matches the generate settings;
// one that does not is regenerated (the plan says why).
func fits(v []byte, g generateSpec) bool {
	if len(v) != g.Length {
		return false
	}
	chars := alphabets[g.Alphabet]
	for _, c := range v {
		if !strings.ContainsRune(chars, rune(c)) {
			return false
		}
	}
	return true
}

// storePath is where a generated value is kept: the state directory (0700),
// a secrets directory (0700), one 0600 file per secret.
func storePath(stateDir, name string) string {
	return filepath.Join(stateDir, "secrets", name)
}
