package network

import (
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

func init() { resources.Register(Kind{}) }

// Kind is the `network` block type. Its body has only optional attributes
// (see Config and the package doc): interface, addresses, gateway,
// nameservers, renderer and netplan_file for netplan; docker_dns and
// docker_daemon_file for Docker.
type Kind struct{}

var (
	_ resources.Kind     = Kind{}
	_ resources.Orphaner = Kind{}
)

// Name returns the block type.
func (Kind) Name() string { return "network" }

// Spec returns the schema of a network block body.
func (Kind) Spec() hcldec.Spec { return spec() }

// Decode builds a Network from the decoded body. It only converts values;
// Validate does the checks.
func (Kind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	at := locate(body)
	if !val.IsWhollyKnown() {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Network settings not known at plan time",
			Detail:  "A network block's values must be known before apply: use literals, variables or locals, not values another resource only learns during apply.",
			Subject: at.block.Ptr()}}
	}
	// Addresses are not secrets; a `sensitive` variable used here is shown in plans.
	val, _ = val.UnmarkDeep()
	cfg, diags := decodeConfig(val, at)
	if diags.HasErrors() {
		return nil, diags
	}
	set := map[string]bool{}
	for name := range attrTypes {
		set[name] = !val.GetAttr(name).IsNull()
	}
	return &Network{base: base{addr: addr}, cfg: cfg.withDefaults(), at: at, set: set}, nil
}

// Orphan rebuilds, from its ownership record, a network block that was
// removed from the manifest, so the next apply deletes what it created.
func (Kind) Orphan(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	var rec ownership
	if err := json.Unmarshal(record, &rec); err != nil {
		return nil, fmt.Errorf("reading the ownership record of %s: %w", addr, err)
	}
	if rec.NetplanFile == "" && rec.DockerDaemonFile == "" {
		return nil, fmt.Errorf("the ownership record of %s names no file", addr)
	}
	return &orphan{base: base{addr: addr}, rec: rec}, nil
}

// decodeConfig converts the decoded body (of type ObjectType) to a Config.
func decodeConfig(val cty.Value, at where) (Config, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	str := func(name string) string { return decodeString(val, name) }
	list := func(name string) []string {
		l, d := decodeList(val, name, at)
		diags = append(diags, d...)
		return l
	}
	return Config{
		Interface: str("interface"), Addresses: list("addresses"), Gateway: str("gateway"),
		Nameservers: list("nameservers"), Renderer: str("renderer"), NetplanFile: str("netplan_file"),
		DockerDNS: list("docker_dns"), DockerDaemonFile: str("docker_daemon_file"),
	}, diags
}

func decodeString(val cty.Value, name string) string {
	v := val.GetAttr(name)
	if v.IsNull() {
		return ""
	}
	return v.AsString()
}

// decodeList returns the strings of a list attribute; a null element is an
// error at that element.
func decodeList(val cty.Value, name string, at where) ([]string, hcl.Diagnostics) {
	v := val.GetAttr(name)
	if v.IsNull() {
		return nil, nil
	}
	out := make([]string, 0, v.LengthInt())
	for i, e := range v.AsValueSlice() {
		if e.IsNull() {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Null in " + name,
				Detail:  fmt.Sprintf("Element %d of %s is null. Remove it, or give a value.", i, name),
				Subject: at.elem(name, i)}}
		}
		out = append(out, e.AsString())
	}
	return out, nil
}
