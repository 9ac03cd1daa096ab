package secret

import "strings"

// merged is a .env file after clawplan's lines were put in, and what that
// did besides, for the plan's notes.
type merged struct {
	lines   []envLine
	adopted []string // variables of lines clawplan did not write and now owns
	removed []string // "KEY (secret.NAME)": owned lines no secret delivers any more
	dropped []string // variables of later lines that would override a managed one
}

// mergeEnv returns lines with every wanted entry in place: a line clawplan
// owns is rewritten where it is, a foreign line for the same variable is
// taken over where it is, anything else is appended. With prune, owned
// lines nothing wants are removed; every other line is kept byte for byte.
func mergeEnv(lines []envLine, want []entry, prune bool) (merged, error) {
	byKey := map[string]entry{}
	for _, e := range want {
		byKey[e.Key] = e
	}
	var m merged
	placed := map[string]bool{}
	for i, l := range lines {
		e, wanted := byKey[l.key]
		switch {
		case l.marker && (prune || byKey[nextKey(lines, i)].Key != ""):
			// Markers are written again with their assignment; a dangling one goes.
		case wanted && placed[l.key]:
			m.dropped = append(m.dropped, l.key)
		case wanted:
			r, err := renderEntry(e)
			if err != nil {
				return m, err
			}
			m.lines, placed[l.key] = append(m.lines, r...), true
			if l.owner == "" {
				m.adopted = append(m.adopted, l.key)
			}
		case prune && l.owner != "" && l.key != "":
			m.removed = append(m.removed, l.key+" (secret."+l.owner+")")
		default:
			m.lines = append(m.lines, l)
		}
	}
	for _, e := range want {
		if placed[e.Key] {
			continue
		}
		r, err := renderEntry(e)
		if err != nil {
			return m, err
		}
		m.lines, placed[e.Key] = append(m.lines, r...), true
	}
	return m, nil
}

// render joins lines into a file, each ending in a newline.
func render(lines []envLine) []byte {
	if len(lines) == 0 {
		return nil
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// blank reports whether lines hold nothing but empty lines.
func blank(lines []envLine) bool {
	for _, l := range lines {
		if strings.TrimSpace(l.text) != "" {
			return false
		}
	}
	return true
}

// nextKey is the variable the line after i assigns, if any.
func nextKey(lines []envLine, i int) string {
	if i+1 < len(lines) {
		return lines[i+1].key
	}
	return ""
}
