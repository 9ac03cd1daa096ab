package network

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

var _ resources.Importer = Kind{}

// importName is the name of an imported block, unless the netplan file's
// marker line names the block that wrote it.
const importName = "lan"

// importDir is where import looks for the netplan file to adopt.
const importDir = "/etc/netplan"

// imported is the block import is writing, and what its comment says.
type imported struct {
	name  string
	cfg   Config
	notes []string
}

// Import describes the host's static IP (the first file in /etc/netplan
// that gives an ethernet static addresses) and daemon.json's "dns" as one
// network block that, planned against the same host, shows no change,
// unless the comment says why the first apply rewrites something.
func (Kind) Import(ctx context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	im := &imported{name: importName}
	if err := im.netplan(h); err != nil {
		return nil, err
	}
	if err := im.docker(h); err != nil {
		return nil, err
	}
	if !im.cfg.ManagesNetplan() && !im.cfg.ManagesDocker() {
		return nil, nil
	}
	im.validate()
	return []resources.ImportedBlock{{Name: im.name, Comment: wrap(im.notes, 76), Write: im.write}}, nil
}

func (im *imported) notef(format string, args ...any) {
	im.notes = append(im.notes, fmt.Sprintf(format, args...))
}

// netplan picks the first file, in the order netplan reads them, with an
// ethernet that has static addresses, and names the others.
func (im *imported) netplan(h *resources.Host) error {
	names, err := yamlFiles(h, importDir)
	if err != nil {
		return err
	}
	var others []string
	for _, name := range names {
		p := path.Join(importDir, name)
		f, hn, ok := im.candidate(h, p)
		switch {
		case !ok:
		case im.cfg.ManagesNetplan():
			others = append(others, p)
		default:
			im.adopt(p, f, hn)
		}
	}
	if len(others) > 0 {
		im.notef("Other netplan files give an ethernet static addresses and stay unmanaged (netplan merges all its files, in name order): %s.", strings.Join(others, ", "))
	}
	return nil
}

// candidate reads p and reports whether it gives an ethernet static
// addresses and is the file netplan reads under that name.
func (im *imported) candidate(h *resources.Host, p string) (hostfs.File, handNetplan, bool) {
	shadow := path.Join("/run/netplan", path.Base(p))
	if s, err := h.ReadFile(shadow); err == nil && s.Exists {
		im.notef("%s is skipped: netplan reads %s instead.", p, shadow)
		return hostfs.File{}, handNetplan{}, false
	}
	f, err := h.ReadFile(p)
	if err != nil || !f.Exists {
		return f, handNetplan{}, false
	}
	hn, err := readHandNetplan(f.Content, "")
	if err != nil {
		im.notef("%s is skipped: it is not valid YAML (%v).", p, err)
		return f, hn, false
	}
	return f, hn, hn.cfg.Interface != ""
}

// adopt takes the block's netplan settings from the file at p, and says
// whether the first apply will change the file, and why.
func (im *imported) adopt(p string, f hostfs.File, hn handNetplan) {
	c := hn.cfg
	im.cfg.Interface, im.cfg.Addresses, im.cfg.Gateway, im.cfg.Nameservers = c.Interface, c.Addresses, c.Gateway, c.Nameservers
	im.cfg.Renderer, im.cfg.NetplanFile = c.Renderer, p
	im.notef("Imported from %s (ethernet %s).", p, c.Interface)
	owner, _, marked := readMarker(f.Content)
	if a, err := resources.ParseAddr(owner); marked && err == nil && a.Kind == "network" {
		im.name = a.Name
	}
	want := im.cfg.withDefaults()
	kept := !marked && hn.says(want)
	switch {
	case marked && bytes.Equal(f.Content, renderNetplan(resources.Addr{Kind: "network", Name: im.name}, want, originOf(f))):
		im.notef("clawplan wrote that file for network.%s: its first line says so.", im.name)
	case kept:
		im.notef("It was written by hand and says exactly what this block declares, so clawplan keeps it as it is (no change) and rewrites it, marked as adopted, only when the block changes. Removing the block leaves the file.")
	case len(hn.extras) > 0:
		im.notef("It also sets what a network block cannot express: %s. The first apply REWRITES the file without them: move them to another netplan file first.", strings.Join(hn.extras, "; "))
	default:
		im.notef("The first apply rewrites it in clawplan's layout (the plan shows the diff).")
	}
	if hn.gateway4 && kept {
		im.notef("It uses the deprecated gateway4/gateway6: kept until the block changes, then written as a default route.")
	}
	if f.Mode != netplanMode || f.UID != 0 || f.GID != 0 {
		im.notef("It is %s %d:%d; the first apply makes it %s 0:0, as netplan asks.", resources.ModeString(f.Mode), f.UID, f.GID, resources.ModeString(netplanMode))
	}
	if path.Base(p) == "50-cloud-init.yaml" {
		im.notef("cloud-init rewrites %s at boot unless its network configuration is disabled (network: {config: disabled} in /etc/cloud/cloud.cfg.d/).", p)
	}
}

// docker takes docker_dns from daemon.json's "dns", when it is a list of
// servers.
func (im *imported) docker(h *resources.Host) error {
	p := DefaultDockerDaemonFile
	f, err := h.ReadFile(p)
	if err != nil || !f.Exists {
		return err
	}
	doc, err := readDaemon(f.Content)
	if err != nil {
		im.notef("docker_dns is left out: %s cannot be read the way Docker reads it: %v.", p, err)
		return nil
	}
	if doc.dns < 0 {
		return nil
	}
	var servers []string
	for _, s := range asList(doc.current()) {
		if str, ok := s.(string); ok {
			servers = append(servers, str)
		}
	}
	if len(servers) == 0 || len(servers) != len(asList(doc.current())) {
		im.notef("docker_dns is left out: the \"dns\" of %s is %v, not a list of servers.", p, doc.current())
		return nil
	}
	im.cfg.DockerDNS = servers
	im.notef("docker_dns is the \"dns\" key of %s, the only key clawplan owns there. clawplan did not create the file: once an apply has run with this block, removing the block takes out that key and keeps the file.", p)
	return nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// write writes the block's attributes: the settings found, and
// netplan_file, so the block stays on the file it was imported from.
func (im *imported) write(body *hclwrite.Body) {
	c := im.cfg
	if c.ManagesNetplan() {
		body.SetAttributeValue("interface", cty.StringVal(c.Interface))
		body.SetAttributeValue("addresses", stringList(c.Addresses))
		if c.Gateway != "" {
			body.SetAttributeValue("gateway", cty.StringVal(c.Gateway))
		}
		if len(c.Nameservers) > 0 {
			body.SetAttributeValue("nameservers", stringList(c.Nameservers))
		}
		if c.Renderer != "" && c.Renderer != DefaultRenderer {
			body.SetAttributeValue("renderer", cty.StringVal(c.Renderer))
		}
		body.SetAttributeValue("netplan_file", cty.StringVal(c.NetplanFile))
	}
	if c.ManagesDocker() {
		body.SetAttributeValue("docker_dns", stringList(c.DockerDNS))
	}
}

// validate decodes the block as the engine will and puts what `clawplan
// validate` would report at the top of the comment, for the reviewer.
func (im *imported) validate() {
	f := hclwrite.NewEmptyFile()
	im.write(f.Body().AppendNewBlock("network", []string{im.name}).Body())
	file, diags := hclsyntax.ParseConfig(f.Bytes(), "import.hcl", hcl.InitialPos)
	if !diags.HasErrors() {
		body := file.Body.(*hclsyntax.Body).Blocks[0].Body
		val, d := hcldec.Decode(body, spec(), nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			r, d := Kind{}.Decode(resources.Addr{Kind: "network", Name: im.name}, body, val)
			diags = append(diags, d...)
			if !d.HasErrors() {
				diags = append(diags, r.Validate()...)
			}
		}
	}
	var found []string
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		found = append(found, fmt.Sprintf("REVIEW (validate %s): %s: %s", sev, d.Summary, d.Detail))
	}
	im.notes = append(found, im.notes...)
}

// wrap joins paragraphs, each broken into lines of at most width
// characters (a longer word gets a line of its own).
func wrap(paras []string, width int) string {
	var lines []string
	for _, p := range paras {
		line := ""
		for _, w := range strings.Fields(p) {
			if line != "" && len(line)+1+len(w) > width {
				lines, line = append(lines, line), ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
