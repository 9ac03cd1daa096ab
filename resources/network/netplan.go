package network

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"gopkg.in/yaml.v3"
)

// origin says whether clawplan created a netplan file or took over one
// that was there before. It is written into the file's first line, so it
// survives across runs: a removed block deletes only a file it created.
type origin string

const (
	created origin = "created"
	adopted origin = "adopted"
)

// markerLine matches the first line of a netplan file clawplan manages.
var markerLine = regexp.MustCompile(`^# Managed by clawplan: (\S+) \((created|adopted)\b`)

// readMarker returns the block and origin a managed file's first line names.
func readMarker(content []byte) (owner string, o origin, ok bool) {
	first, _, _ := strings.Cut(string(content), "\n")
	m := markerLine.FindStringSubmatch(first)
	if m == nil {
		return "", "", false
	}
	return m[1], origin(m[2]), true
}

// originOf is the origin the next write of f records: a file written by
// clawplan keeps its origin, a file clawplan did not write is adopted.
func originOf(f hostfs.File) origin {
	if !f.Exists {
		return created
	}
	if _, o, ok := readMarker(f.Content); ok {
		return o
	}
	return adopted
}

// renderNetplan writes the netplan YAML for c: the seed's static-IP layout,
// with the default route as `routes: [{to: default, via: GATEWAY}]` (never
// the deprecated gateway4). The same Config always gives the same bytes.
func renderNetplan(addr resources.Addr, c Config, o origin) []byte {
	var b strings.Builder
	if o == created {
		fmt.Fprintf(&b, "# Managed by clawplan: %s (created by clawplan; removing the block deletes this file).\n", addr)
	} else {
		fmt.Fprintf(&b, "# Managed by clawplan: %s (adopted: this file existed before; removing the block leaves it).\n", addr)
	}
	b.WriteString("# Edits here are undone by the next apply: change the manifest instead.\n")
	b.WriteString("network:\n  version: 2\n")
	fmt.Fprintf(&b, "  renderer: %s\n", scalar(c.Renderer))
	fmt.Fprintf(&b, "  ethernets:\n    %s:\n", scalar(c.Interface))
	b.WriteString("      addresses:\n")
	for _, a := range c.Addresses {
		fmt.Fprintf(&b, "        - %s\n", scalar(a))
	}
	if c.Gateway != "" {
		fmt.Fprintf(&b, "      routes:\n        - to: default\n          via: %s\n", scalar(c.Gateway))
	}
	if len(c.Nameservers) > 0 {
		quoted := make([]string, len(c.Nameservers))
		for i, n := range c.Nameservers {
			quoted[i] = scalar(n)
		}
		fmt.Fprintf(&b, "      nameservers:\n        addresses: [%s]\n", strings.Join(quoted, ", "))
	}
	return []byte(b.String())
}

// plainScalar is what stays unquoted: interface and renderer names that
// start with a letter, and IPv4 addresses. Everything else (IPv6 with its
// colons, names YAML would read as numbers or booleans) is double-quoted.
var plainScalar = regexp.MustCompile(`^(?:[A-Za-z][A-Za-z0-9_.-]*|\d+\.\d+\.\d+\.\d+(?:/\d+)?)$`)

// yamlWords are plain scalars YAML 1.1 reads as booleans or null.
var yamlWords = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true,
	"off": true, "true": true, "false": true, "null": true}

func scalar(s string) string {
	if plainScalar.MatchString(s) && !yamlWords[strings.ToLower(s)] {
		return s
	}
	q, _ := json.Marshal(s) // a JSON string is a valid YAML double-quoted scalar
	return string(q)
}

// netplanFile is the part of a netplan file the plan compares.
type netplanFile struct {
	Network struct {
		Renderer  string                     `yaml:"renderer"`
		Ethernets map[string]netplanEthernet `yaml:"ethernets"`
	} `yaml:"network"`
}

type netplanEthernet struct {
	Addresses []any  `yaml:"addresses"`
	Gateway4  string `yaml:"gateway4"`
	Gateway6  string `yaml:"gateway6"`
	Routes    []struct {
		To  string `yaml:"to"`
		Via string `yaml:"via"`
	} `yaml:"routes"`
	Nameservers struct {
		Addresses []string `yaml:"addresses"`
	} `yaml:"nameservers"`
}

// currentNetplan reads the block's attributes back from a netplan file, as
// the "before" of the plan: the ethernet named iface, or the only one.
func currentNetplan(content []byte, iface string) (map[string]any, error) {
	var f netplanFile
	if err := yaml.Unmarshal(content, &f); err != nil {
		return nil, err
	}
	name, eth, ok := pickEthernet(f.Network.Ethernets, iface)
	out := map[string]any{"renderer": nilIfEmpty(f.Network.Renderer)}
	if !ok {
		return out, nil
	}
	out["interface"] = name
	out["addresses"] = addressList(eth.Addresses)
	out["gateway"] = nilIfEmpty(eth.gateway())
	out["nameservers"] = anyList(eth.Nameservers.Addresses)
	return out, nil
}

func pickEthernet(eths map[string]netplanEthernet, iface string) (string, netplanEthernet, bool) {
	if e, ok := eths[iface]; ok {
		return iface, e, true
	}
	names := make([]string, 0, len(eths))
	for n := range eths {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "", netplanEthernet{}, false
	}
	return names[0], eths[names[0]], true
}

// gateway is the default route's next hop, or a deprecated gateway4/6.
func (e netplanEthernet) gateway() string {
	for _, r := range e.Routes {
		if r.To == "default" || r.To == "0.0.0.0/0" || r.To == "::/0" {
			return r.Via
		}
	}
	if e.Gateway4 != "" {
		return e.Gateway4
	}
	return e.Gateway6
}

// addressList turns netplan addresses (strings, or one-key maps carrying
// options such as a label) into their address strings.
func addressList(as []any) any {
	var out []string
	for _, a := range as {
		switch v := a.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			for k := range v {
				out = append(out, k)
			}
		default:
			out = append(out, fmt.Sprint(v))
		}
	}
	return anyList(out)
}
