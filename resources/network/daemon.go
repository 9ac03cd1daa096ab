package network

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// dnsKey is the only key of daemon.json clawplan owns.
const dnsKey = "dns"

// daemonDoc is a daemon.json as found: absent or empty, or an object.
type daemonDoc struct {
	obj *jsonObject // nil when the file is absent or blank
	dns int         // index of the "dns" member, -1 when there is none
}

// readDaemon parses a daemon.json. A file that is not a JSON object, that
// has "dns" twice, or that has a key Docker would read as "dns" ("DNS":
// Docker's decoder matches keys case-insensitively) is refused: clawplan
// cannot tell what Docker makes of it, so it must not edit it.
func readDaemon(content []byte) (daemonDoc, error) {
	d := daemonDoc{dns: -1}
	if len(bytes.TrimSpace(content)) == 0 {
		return d, nil
	}
	obj, err := parseObject(content)
	if err != nil {
		return d, err
	}
	d.obj = obj
	for i, m := range obj.members {
		switch {
		case m.key == dnsKey && d.dns >= 0:
			return d, fmt.Errorf("it has the key %q twice; remove one", dnsKey)
		case m.key == dnsKey:
			d.dns = i
		case strings.EqualFold(m.key, dnsKey):
			return d, fmt.Errorf("it has the key %q, which Docker reads as %q (keys match case-insensitively); rename it to %q or remove it", m.key, dnsKey, dnsKey)
		}
	}
	return d, nil
}

// current is the "dns" value as a JSON-compatible value, nil when unset.
func (d daemonDoc) current() any {
	if d.dns < 0 {
		return nil
	}
	m := d.obj.members[d.dns]
	var v any
	_ = json.Unmarshal(d.obj.src[m.valStart:m.valEnd], &v) // valid: parsed before
	return v
}

// has reports whether "dns" holds exactly servers, whatever its formatting.
func (d daemonDoc) has(servers []string) bool {
	var cur []string
	if d.dns < 0 {
		return false
	}
	m := d.obj.members[d.dns]
	return json.Unmarshal(d.obj.src[m.valStart:m.valEnd], &cur) == nil && slices.Equal(cur, servers)
}

// withDNS returns the file's content with "dns" set to servers: the value
// replaced in place, or appended as the last key; a new file is the seed's.
func (d daemonDoc) withDNS(servers []string) []byte {
	raw := renderDNS(servers)
	switch {
	case d.obj == nil:
		return freshDaemon(raw)
	case d.dns >= 0:
		return d.obj.replace(d.dns, raw)
	default:
		return d.obj.add(dnsKey, raw)
	}
}

// withoutDNS returns the content without "dns", and whether anything but
// clawplan's own key is left.
func (d daemonDoc) withoutDNS() (content []byte, others bool) {
	if d.obj == nil {
		return nil, false
	}
	if d.dns < 0 {
		return d.obj.src, len(d.obj.members) > 0
	}
	return d.obj.remove(d.dns), len(d.obj.members) > 1
}

// clawplanWrote reports whether content is exactly what clawplan writes
// when it creates daemon.json: then the file is clawplan's to delete once
// "dns" goes. (JSON has no comments to carry a marker, so the bytes are it.)
func (d daemonDoc) clawplanWrote() bool {
	if d.obj == nil || d.dns != 0 || len(d.obj.members) != 1 {
		return false
	}
	m := d.obj.members[0]
	return bytes.Equal(d.obj.src, freshDaemon(d.obj.src[m.valStart:m.valEnd]))
}

// renderDNS is the "dns" value as clawplan writes it: ["1.1.1.1", "8.8.8.8"].
func renderDNS(servers []string) []byte {
	quoted := make([]string, len(servers))
	for i, s := range servers {
		q, _ := json.Marshal(s)
		quoted[i] = string(q)
	}
	return []byte("[" + strings.Join(quoted, ", ") + "]")
}

// freshDaemon is a new daemon.json holding only "dns", as in the seed.
func freshDaemon(raw []byte) []byte {
	return fmt.Appendf(nil, "{\n  %q: %s\n}\n", dnsKey, raw)
}
