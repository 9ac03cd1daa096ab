package secret

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

var _ resources.Importer = Kind{}

// Import writes a secret block for every secret Discover finds. A
// secret's value is never copied: the block's source is where the value
// lives now (the credentials file itself, or its line of the .env), so a
// plan reads it there and delivers the same bytes, a no-op.
func (Kind) Import(_ context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	users, err := importUsers(h)
	if err != nil {
		return nil, err
	}
	var out []resources.ImportedBlock
	for _, u := range users {
		found, err := Discover(h, u)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			out = append(out, f.Block(h))
		}
	}
	return out, nil
}

// importUsers are the service users whose secrets are imported: the
// default one and every user clawplan's records deliver secrets to.
func importUsers(h *resources.Host) ([]string, error) {
	seen := map[string]bool{defaultUser: true}
	owned, err := importkit.Owned(h)
	if err != nil {
		return nil, err
	}
	for a, rec := range owned {
		switch a.Kind {
		case "secret_env", "openclaw_config":
			seen[a.Name] = true
		case "secret":
			var r ownRecord
			if json.Unmarshal(rec, &r) == nil && r.User != "" {
				seen[r.User] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out, nil
}

// Block is the imported secret block: where the value lives, as source
// and sinks, with a comment that says so.
func (f Found) Block(h *resources.Host) resources.ImportedBlock {
	return resources.ImportedBlock{Name: f.Name, Comment: f.comment(h), Write: f.write}
}

// write writes the block: the source is the first credentials file, or
// the .env line; a sink per variable and file.
func (f Found) write(body *hclwrite.Body) {
	if f.User != defaultUser {
		body.SetAttributeValue("user", cty.StringVal(f.User))
	}
	src := body.AppendNewBlock("source", nil).Body()
	if len(f.Files) > 0 {
		src.SetAttributeValue("file", cty.StringVal(f.Files[0]))
	} else {
		src.SetAttributeValue("env_file", cty.StringVal(f.EnvFile))
		src.SetAttributeValue("key", cty.StringVal(f.Envs[0]))
	}
	for _, e := range f.Envs {
		body.AppendNewBlock("deliver", nil).Body().SetAttributeValue("env", cty.StringVal(e))
	}
	for _, p := range f.Files {
		body.AppendNewBlock("deliver", nil).Body().SetAttributeValue("file", cty.StringVal(p))
	}
}

// comment says where the value lives, and what a plan will still change.
func (f Found) comment(h *resources.Host) string {
	var where []string
	for _, e := range f.Envs {
		where = append(where, e+" in "+f.EnvFile)
	}
	where = append(where, f.Files...)
	lines := []string{
		fmt.Sprintf("The value lives in %s; it is not copied here.", strings.Join(where, " and ")),
		"The source reads it there, so a plan delivers the same bytes. To rebuild another host",
		"from this manifest, keep the value elsewhere (env, a file, a password manager command)",
		"and change source.",
	}
	if f.Adopted {
		lines = append(lines, fmt.Sprintf("clawplan did not write the %s line: the first apply marks it as clawplan's (a comment line above it); the value stays.", f.Envs[0]))
	}
	for _, p := range f.Files {
		if c, err := h.ReadFile(p); err == nil && bytes.HasSuffix(c.Content, []byte("\n")) {
			lines = append(lines, fmt.Sprintf("%s ends with a line break, which a plan drops: apply rewrites the file without it.", p))
		}
	}
	return strings.Join(lines, "\n")
}
