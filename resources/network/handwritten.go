package network

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// handNetplan is what a netplan file says in a block's terms, read
// strictly: every setting a block cannot express is listed in extras, so
// that "the file says what the block declares" means exactly that.
type handNetplan struct {
	// cfg holds Interface, Addresses, Gateway, Nameservers and Renderer
	// ("" when the file leaves it to netplan's default, networkd).
	cfg Config
	// extras are the settings a block cannot express, as netplan paths.
	extras []string
	// gateway4 says the default route is the deprecated gateway4/gateway6.
	gateway4 bool
	// others are the other ethernets with static addresses.
	others []string
}

// readHandNetplan reads content, configuring the ethernet iface, or when
// iface is "" the first ethernet (in name order) with static addresses.
func readHandNetplan(content []byte, iface string) (handNetplan, error) {
	var hn handNetplan
	var doc map[string]any
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return hn, err
	}
	for _, k := range sortedKeys(doc) {
		if k != "network" {
			hn.extra(k)
		}
	}
	nw, _ := doc["network"].(map[string]any)
	if fmt.Sprint(nw["version"]) != "2" {
		hn.extra("network.version (must be 2)")
	}
	for _, k := range sortedKeys(nw) {
		switch k {
		case "version":
		case "renderer":
			hn.cfg.Renderer = hn.str(nw[k], "network.renderer")
		case "ethernets":
			hn.ethernets(nw[k], iface)
		default:
			hn.extra("network." + k)
		}
	}
	return hn, nil
}

// ethernets picks the block's ethernet and reads it; the others are extras.
func (hn *handNetplan) ethernets(v any, iface string) {
	eths, ok := v.(map[string]any)
	if !ok {
		hn.extra("network.ethernets")
		return
	}
	for _, name := range sortedKeys(eths) {
		static := hasAddresses(eths[name])
		switch {
		case hn.cfg.Interface == "" && (name == iface || iface == "" && static):
			hn.cfg.Interface = name
			hn.ethernet(eths[name], "network.ethernets."+name)
		case static:
			hn.others = append(hn.others, name)
			fallthrough
		default:
			hn.extra("network.ethernets." + name)
		}
	}
}

func hasAddresses(v any) bool {
	m, _ := v.(map[string]any)
	l, _ := m["addresses"].([]any)
	return len(l) > 0
}

// ethernet reads the settings of the block's ethernet.
func (hn *handNetplan) ethernet(v any, at string) {
	eth, ok := v.(map[string]any)
	if !ok {
		hn.extra(at)
		return
	}
	for _, k := range sortedKeys(eth) {
		switch val := eth[k]; k {
		case "addresses":
			hn.cfg.Addresses = hn.strs(val, at+".addresses")
		case "routes":
			hn.routes(val, at+".routes")
		case "gateway4", "gateway6":
			hn.defaultVia(hn.str(val, at+"."+k), at+"."+k)
			hn.gateway4 = true
		case "nameservers":
			hn.nameservers(val, at+".nameservers")
		case "dhcp4", "dhcp6":
			if !isFalse(val) {
				hn.extra(fmt.Sprintf("%s.%s: %v", at, k, val))
			}
		default:
			hn.extra(at + "." + k)
		}
	}
}

// routes reads the default route; any other route is an extra.
func (hn *handNetplan) routes(v any, at string) {
	l, ok := v.([]any)
	if !ok {
		hn.extra(at)
	}
	for _, r := range l {
		m, _ := r.(map[string]any)
		to, via := m["to"], m["via"]
		def := to == "default" || to == "0.0.0.0/0" || to == "::/0"
		if len(m) != 2 || !def || via == nil {
			hn.extra(fmt.Sprintf("%s: to %v", at, to))
			continue
		}
		hn.defaultVia(hn.str(via, at), at)
	}
}

// defaultVia records the default route's next hop; a block has one.
func (hn *handNetplan) defaultVia(via, at string) {
	if hn.cfg.Gateway != "" {
		hn.extra(at + ": a second default route, via " + via)
		return
	}
	hn.cfg.Gateway = via
}

func (hn *handNetplan) nameservers(v any, at string) {
	m, ok := v.(map[string]any)
	if !ok {
		hn.extra(at)
		return
	}
	for _, k := range sortedKeys(m) {
		if k == "addresses" {
			hn.cfg.Nameservers = hn.strs(m[k], at+".addresses")
		} else {
			hn.extra(at + "." + k)
		}
	}
}

// str is v as a string; anything else is an extra.
func (hn *handNetplan) str(v any, at string) string {
	s, ok := v.(string)
	if !ok {
		hn.extra(fmt.Sprintf("%s: %v", at, v))
	}
	return s
}

// strs is v as a list of strings; an element that is not (an address
// with options, such as a label or a lifetime) is an extra.
func (hn *handNetplan) strs(v any, at string) []string {
	l, ok := v.([]any)
	if !ok {
		hn.extra(at)
		return nil
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		} else {
			hn.extra(fmt.Sprintf("%s: %v", at, e))
		}
	}
	return out
}

func (hn *handNetplan) extra(what string) { hn.extras = append(hn.extras, what) }

// isFalse is netplan's reading of a boolean false (YAML 1.1 spellings).
func isFalse(v any) bool {
	if b, ok := v.(bool); ok {
		return !b
	}
	s, _ := v.(string)
	return slices.Contains([]string{"false", "no", "off", "n"}, strings.ToLower(s))
}

// says reports whether the file says exactly what c declares: nothing
// more, and the same interface, addresses, default route, nameservers and
// renderer (netplan's default, networkd, when the file names none).
func (hn handNetplan) says(c Config) bool {
	renderer := hn.cfg.Renderer
	if renderer == "" {
		renderer = DefaultRenderer
	}
	return len(hn.extras) == 0 && hn.cfg.Interface == c.Interface && renderer == c.Renderer &&
		slices.Equal(hn.cfg.Addresses, c.Addresses) && hn.cfg.Gateway == c.Gateway &&
		slices.Equal(hn.cfg.Nameservers, c.Nameservers)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
