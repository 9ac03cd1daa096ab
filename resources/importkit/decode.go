package importkit

import (
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Render writes b as it will appear in the imported manifest, as a block
// of kind.
func Render(kind string, b resources.ImportedBlock) []byte {
	f := hclwrite.NewEmptyFile()
	blk := f.Body().AppendNewBlock(kind, []string{b.Name})
	b.Write(blk.Body())
	return hclwrite.Format(f.Bytes())
}

// Decode decodes b the way the engine decodes a manifest block: parsed
// from its rendered source, evaluated with vars (for example "secret", an
// object of the secrets' exported values), then k.Decode and Validate.
// Source ranges name the block's address as their file name, so a
// diagnostic says which imported block it is about.
func Decode(k resources.Kind, b resources.ImportedBlock, vars map[string]cty.Value) (resources.Resource, hcl.Diagnostics) {
	src := Render(k.Name(), b)
	addr := resources.Addr{Kind: k.Name(), Name: b.Name}
	f, diags := hclsyntax.ParseConfig(src, addr.String(), hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	content, d := f.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: k.Name(), LabelNames: []string{"name"}}}})
	if diags = append(diags, d...); diags.HasErrors() || len(content.Blocks) != 1 {
		return nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Imported block does not parse", Detail: fmt.Sprintf("%s %q:\n%s", k.Name(), b.Name, src)})
	}
	blk := content.Blocks[0]
	val, d := hcldec.Decode(blk.Body, k.Spec(), &hcl.EvalContext{Variables: vars})
	if diags = append(diags, d...); diags.HasErrors() {
		return nil, diags
	}
	r, d := k.Decode(addr, blk.Body, val)
	if diags = append(diags, d...); diags.HasErrors() || r == nil {
		return r, diags
	}
	return r, append(diags, r.Validate()...)
}
