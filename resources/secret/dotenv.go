package secret

import (
	"errors"
	"regexp"
	"strings"
)

// markerPrefix starts the comment line clawplan writes above each line it
// owns in a .env file; the secret's name follows it.
const markerPrefix = "# clawplan: secret."

const markerSuffix = " (managed by clawplan: change the manifest, not this line)"

var (
	assignRE = regexp.MustCompile(`^\s*(?:export\s+)?([\w.-]+)\s*=(.*)$`)
	bareRE   = regexp.MustCompile(`^[A-Za-z0-9_./:@+=,%^~-]+$`)
)

// envLine is one line of a .env file.
type envLine struct {
	text   string
	key    string // the variable, when the line assigns one
	owner  string // the secret that owns the line (marker and assignment)
	marker bool
}

// entry is a line clawplan wants: key=value, owned by a secret. A nil
// value is not known yet (generated at apply).
type entry struct {
	Key   string
	Owner string
	Value []byte
}

// parseEnv splits a .env file into lines and finds the ones clawplan owns:
// an assignment right below a marker comment.
func parseEnv(content []byte) []envLine {
	text := strings.TrimSuffix(string(content), "\n")
	if text == "" {
		return nil
	}
	var lines []envLine
	for _, t := range strings.Split(text, "\n") {
		l := envLine{text: t}
		if m := assignRE.FindStringSubmatch(t); m != nil {
			l.key = m[1]
		}
		if name, ok := strings.CutPrefix(strings.TrimSpace(t), markerPrefix); ok {
			l.marker = true
			l.owner, _, _ = strings.Cut(name, " ")
		}
		if n := len(lines); n > 0 && lines[n-1].marker && l.key != "" && lines[n-1].owner != "" {
			l.owner = lines[n-1].owner
		}
		lines = append(lines, l)
	}
	return lines
}

// currentValue returns the value the gateway's dotenv loader would read for
// key (the last assignment wins), and whether there is one.
func currentValue(lines []envLine, key string) (string, bool) {
	val, found := "", false
	for _, l := range lines {
		if l.key == key {
			m := assignRE.FindStringSubmatch(l.text)
			val, found = unquoteEnv(m[2]), true
		}
	}
	return val, found
}

// unquoteEnv reads a one-line dotenv value the way the dotenv package does.
func unquoteEnv(raw string) string {
	v := strings.TrimSpace(raw)
	if len(v) >= 2 && strings.ContainsRune(`'"`+"`", rune(v[0])) {
		if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
			inner := v[1 : end+1]
			if v[0] == '"' {
				inner = strings.NewReplacer(`\n`, "\n", `\r`, "\r").Replace(inner)
			}
			return inner
		}
	}
	if i := strings.IndexByte(v, '#'); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// quoteEnv renders a value so that both the gateway's dotenv loader and a
// systemd EnvironmentFile read it back unchanged.
func quoteEnv(v []byte) (string, error) {
	s := string(v)
	switch {
	case strings.ContainsAny(s, "\n\r\x00"):
		return "", errors.New("contains a line break or NUL byte, which an env file cannot hold")
	case bareRE.MatchString(s):
		return s, nil
	case !strings.Contains(s, "'"):
		return "'" + s + "'", nil
	case !strings.ContainsAny(s, "\"\\$`"):
		return `"` + s + `"`, nil
	}
	return "", errors.New("mixes quotes, backslashes and $ in a way an env file cannot hold")
}

// renderEntry is the marker and assignment lines of e.
func renderEntry(e entry) ([]envLine, error) {
	v := e.Value
	if v == nil {
		v = []byte("unknown-until-apply")
	}
	q, err := quoteEnv(v)
	if err != nil {
		return nil, err
	}
	return []envLine{
		{text: markerPrefix + e.Owner + markerSuffix, owner: e.Owner, marker: true},
		{text: e.Key + "=" + q, key: e.Key, owner: e.Owner},
	}, nil
}
