package firewall

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/sys/unix"
)

var _ resources.Importer = Kind{}

// adoptName is the block a hand-made table of the seed's name imports as.
const adoptName = "sandbox"

// Import writes a firewall block for every inet table whose comment names
// a clawplan firewall block, and for a hand-made table of the seed's name
// (oc_sandbox, with adopt = true). The block's rendering matches the live
// table: the sets' elements, the interface, the DNS servers, the host
// ports, and where the table is persisted. Its comment says what a plan
// would still change (the whole rule set, for the seed's own table).
func (Kind) Import(ctx context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	ns := netNS(os.Getenv(NetNSEnv))
	c, err := ns.dial()
	if err != nil {
		return nil, permissionHint(err)
	}
	defer c.Close()
	tables, err := get(c, unix.NFT_MSG_GETTABLE, unix.NFPROTO_INET, true)
	if err != nil {
		return nil, fmt.Errorf("listing nftables tables: %w", err)
	}
	_, recs, err := importkit.OwnedOfKind(h, "firewall")
	if err != nil {
		return nil, err
	}
	var out []resources.ImportedBlock
	for _, name := range tableNames(tables, recs) {
		owner, adopt := name[1], name[1] == ""
		if adopt {
			owner = "firewall." + adoptName
		}
		live, err := readTable(c, unix.NFPROTO_INET, name[0], "")
		if err != nil {
			return nil, fmt.Errorf("reading nftables table inet %s: %w", name[0], err)
		}
		label := strings.TrimPrefix(owner, "firewall.")
		b := importTable(h, label, name[0], modelOf(live.Msgs), adopt, recs[label])
		out = append(out, b)
	}
	return out, nil
}

// tableNames are the tables to import, as [table, owner] pairs: the ones
// a clawplan firewall block owns (by their comment; the one its record
// names when a block owns several), and the seed's hand-made table with
// owner "".
func tableNames(tables []rawMsg, recs map[string]json.RawMessage) [][2]string {
	byOwner := map[string]string{}
	var out [][2]string
	for _, t := range tables {
		name := t.str(unix.NFTA_TABLE_NAME)
		owner, ok := ownerOf(modelOf([]rawMsg{t}).Comment)
		switch {
		case ok && strings.HasPrefix(owner, "firewall."):
			if _, dup := byOwner[owner]; !dup || recordTable(recs[strings.TrimPrefix(owner, "firewall.")]) == name {
				byOwner[owner] = name
			}
		case !ok && name == defaultTable:
			out = append(out, [2]string{name, ""})
		}
	}
	for owner, name := range byOwner {
		out = append(out, [2]string{name, owner})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func recordTable(rec json.RawMessage) string {
	var o ownership
	if json.Unmarshal(rec, &o) != nil {
		return ""
	}
	return o.Table
}

// importTable builds the block of one live table, decodes it and plans it
// against the host, and notes what that plan would still change.
func importTable(h *resources.Host, label, table string, m tableModel, adopt bool, rec json.RawMessage) resources.ImportedBlock {
	attrs := settingsOf(table, m)
	var notes []string
	if !adopt {
		notes = persistence(h, label, table, attrs, rec)
	}
	if adopt {
		attrs["adopt"] = cty.True
		notes = append(notes, fmt.Sprintf("inet %s was made by hand (no clawplan comment): adopt = true lets clawplan replace it with its own rules,", table),
			"which the plan shows; the sets' contents are kept.")
	}
	b := resources.ImportedBlock{Name: label, Write: func(body *hclwrite.Body) {
		importkit.Attrs(body, attrOrder, attrs)
	}}
	r, diags := importkit.Decode(Kind{}, b, nil)
	if diags.HasErrors() {
		notes = append(notes, "clawplan refuses this block as imported: "+diags.Error())
	} else if ch, err := planOf(h, r); err != nil {
		notes = append(notes, "planning the imported block fails: "+err.Error())
	} else {
		for _, a := range ch.Attrs {
			notes = append(notes, "A plan changes "+a.Path+".")
		}
		for _, f := range ch.Files {
			notes = append(notes, "A plan writes "+f.Path+".")
		}
	}
	b.Comment = strings.Join(notes, "\n")
	return b
}

func planOf(h *resources.Host, r resources.Resource) (resources.Change, error) {
	st, err := r.Probe(context.Background(), h)
	if err != nil {
		return resources.Change{}, err
	}
	return r.Diff(st)
}

// attrOrder is the order attributes are written in.
var attrOrder = []string{"table", "interface", "dns_servers", "private_ipv4", "private_ipv6", "allow_host", "persist", "persist_file", "nftables_conf", "adopt"}

var iifname = regexp.MustCompile(`iifname "([^"]+)"`)

// settingsOf reads the block's attributes from the live table: a set
// that is missing leaves its attribute at the default.
func settingsOf(table string, m tableModel) map[string]cty.Value {
	attrs := map[string]cty.Value{}
	if table != defaultTable {
		attrs["table"] = cty.StringVal(table)
	}
	for _, c := range m.Chains {
		for _, r := range c.Rules {
			if sub := iifname.FindStringSubmatch(r.Text); sub != nil && attrs["interface"] == cty.NilVal && sub[1] != defaultInterface {
				attrs["interface"] = cty.StringVal(sub[1])
			}
		}
	}
	for attr, sets := range map[string][]string{"private_ipv4": {setPrivate4}, "private_ipv6": {setPrivate6}, "dns_servers": {setDNS4, setDNS6}} {
		var elems []string
		found := false
		for _, name := range sets {
			if s, ok := m.set(name); ok {
				found = true
				elems = append(elems, cidrs(s.Elements)...)
			}
		}
		if found && !sameList(elems, defaults(attr)) {
			attrs[attr] = importkit.Strings(elems)
		}
	}
	if allows := allowsOf(m); len(allows) > 0 {
		attrs["allow_host"] = cty.TupleVal(allows)
	}
	return attrs
}

func defaults(attr string) []string {
	switch attr {
	case "private_ipv4":
		return defaultPrivateIPv4
	case "private_ipv6":
		return defaultPrivateIPv6
	}
	return defaultDNS
}

// sameList reports whether a and b hold the same entries, in any order.
func sameList(a, b []string) bool {
	x, y := append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	return strings.Join(x, " ") == strings.Join(y, " ")
}

// allowHostRule is the name of an allow_host rule: allow_host_PROTO_PORT.
var allowHostRule = regexp.MustCompile(`^allow_host_(tcp|udp)_([0-9]+)$`)

func allowsOf(m tableModel) []cty.Value {
	c, ok := m.chain(chainInput)
	if !ok {
		return nil
	}
	var out []cty.Value
	for _, r := range c.Rules {
		sub := allowHostRule.FindStringSubmatch(r.Name)
		if sub == nil {
			continue
		}
		port, _ := strconv.Atoi(sub[2])
		a := map[string]cty.Value{"port": cty.NumberIntVal(int64(port))}
		if sub[1] != "tcp" {
			a["protocol"] = cty.StringVal(sub[1])
		}
		out = append(out, cty.ObjectVal(a))
	}
	return out
}

// cidrs writes a set's elements (addresses, CIDRs, FROM-TO ranges) as the
// addresses and CIDRs a block takes: a range becomes the fewest CIDRs
// that cover it exactly.
func cidrs(elems []string) []string {
	var out []string
	for _, e := range elems {
		from, to, isRange := strings.Cut(e, "-")
		if !isRange {
			out = append(out, e)
			continue
		}
		a, err1 := netip.ParseAddr(from)
		b, err2 := netip.ParseAddr(to)
		if err1 != nil || err2 != nil {
			out = append(out, e) // Validate says what is wrong with it
			continue
		}
		out = append(out, splitRange(a, b)...)
	}
	return out
}

// splitRange covers from..to with the largest aligned prefixes.
func splitRange(from, to netip.Addr) []string {
	var out []string
	for {
		bits := from.BitLen()
		for bits > 0 {
			p := netip.PrefixFrom(from, bits-1)
			if p.Masked().Addr() != from || to.Less(prefixRange(p).To) {
				break
			}
			bits--
		}
		p := netip.PrefixFrom(from, bits)
		if bits == from.BitLen() {
			out = append(out, from.String())
		} else {
			out = append(out, p.String())
		}
		end := prefixRange(p).To
		if end == to || !end.Next().IsValid() {
			return out
		}
		from = end.Next()
	}
}

// persistence sets persist, persist_file and nftables_conf as clawplan's
// record has them, else as the files on the host show: the include line
// clawplan wrote for this block in /etc/nftables.conf, or its default
// file. A table persisted nowhere imports with persist = false.
func persistence(h *resources.Host, label, table string, attrs map[string]cty.Value, rec json.RawMessage) []string {
	var o ownership
	if rec == nil || json.Unmarshal(rec, &o) != nil || o.NftablesConf == "" {
		o = ownership{Table: table, Persist: true, PersistFile: defaultPersistFile(table), NftablesConf: defaultConf}
		if !persistedHere(h, label, &o) {
			attrs["persist"] = cty.False
			return []string{"inet " + table + " is saved in no file clawplan wrote: persist = false keeps it that way (set it to true to load it at boot)."}
		}
	}
	if !o.Persist {
		attrs["persist"] = cty.False
	}
	if o.PersistFile != defaultPersistFile(table) {
		attrs["persist_file"] = cty.StringVal(o.PersistFile)
	}
	if o.NftablesConf != defaultConf {
		attrs["nftables_conf"] = cty.StringVal(o.NftablesConf)
	}
	return nil
}

// persistedHere finds the file clawplan persisted the block's table in:
// the one /etc/nftables.conf includes under the block's comment line, or
// the default file when it names the block.
func persistedHere(h *resources.Host, label string, o *ownership) bool {
	owner := "firewall." + label
	conf, err := h.ReadFile(defaultConf)
	if err == nil && conf.Exists {
		if incs := ourIncludes(conf.Content, owner); len(incs) > 0 {
			o.PersistFile = incs[0]
			return true
		}
	}
	f, err := h.ReadFile(o.PersistFile)
	return err == nil && f.Exists && strings.Contains(string(f.Content), ownerComment(owner))
}
