package secret

import (
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

func init() {
	resources.Register(Kind{})
	resources.Register(EnvKind{})
	resources.RegisterSynthesizer(synthesizer{})
}

// Kind is the `secret` block type.
type Kind struct{}

var (
	_ resources.Kind     = Kind{}
	_ resources.Orphaner = Kind{}
)

// Name returns "secret".
func (Kind) Name() string { return "secret" }

// Spec is the block body's schema.
func (Kind) Spec() hcldec.Spec {
	return &hcldec.ObjectSpec{
		"source": &hcldec.BlockSpec{TypeName: "source", Required: true, Nested: &hcldec.ObjectSpec{
			"env":     &hcldec.AttrSpec{Name: "env", Type: cty.String},
			"file":    &hcldec.AttrSpec{Name: "file", Type: cty.String},
			"command": &hcldec.AttrSpec{Name: "command", Type: cty.List(cty.String)},
			"timeout": &hcldec.AttrSpec{Name: "timeout", Type: cty.String},
			"generate": &hcldec.BlockSpec{TypeName: "generate", Nested: &hcldec.ObjectSpec{
				"length":   &hcldec.AttrSpec{Name: "length", Type: cty.Number},
				"alphabet": &hcldec.AttrSpec{Name: "alphabet", Type: cty.String},
			}},
			// env_file = PATH, key = VAR reads the line VAR=... of a dotenv file.
			"env_file": &hcldec.AttrSpec{Name: "env_file", Type: cty.String},
			"key":      &hcldec.AttrSpec{Name: "key", Type: cty.String},
		}},
		"deliver": &hcldec.BlockListSpec{TypeName: "deliver", MinItems: 1, Nested: &hcldec.ObjectSpec{
			"env":  &hcldec.AttrSpec{Name: "env", Type: cty.String},
			"file": &hcldec.AttrSpec{Name: "file", Type: cty.String},
		}},
		"user": &hcldec.AttrSpec{Name: "user", Type: cty.String},
	}
}

// Decode builds a Secret from the decoded block. Semantic checks wait for
// Validate; Decode only refuses values it cannot read at all.
func (Kind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	s := &Secret{addr: addr, body: body, user: defaultUser}
	if !val.IsWhollyKnown() {
		return nil, hcl.Diagnostics{s.diag(nil, "Secret settings must be known",
			"Every attribute of a secret block must be known when the manifest is loaded: use literals, variables or locals, not values computed at apply.")}
	}
	if u := val.GetAttr("user"); !u.IsNull() {
		s.user = u.AsString()
	}
	s.src = decodeSource(val.GetAttr("source"))
	for it := val.GetAttr("deliver").ElementIterator(); it.Next(); {
		_, d := it.Element()
		s.sinks = append(s.sinks, sink{Env: str(d.GetAttr("env")), File: str(d.GetAttr("file"))})
	}
	return s, nil
}

// Orphan rebuilds a secret whose block was removed, from its ownership
// record, so that its credentials files and generated value are deleted.
// A nil record gives a secret that can only restore snapshots.
func (Kind) Orphan(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	s := &Secret{addr: addr, orphan: &ownRecord{}}
	if len(record) == 0 {
		return s, nil
	}
	if err := json.Unmarshal(record, s.orphan); err != nil {
		return nil, fmt.Errorf("ownership record of %s: %w", addr, err)
	}
	return s, nil
}

// decodeSource reads the source block; Validate checks that exactly one
// kind of source is set.
func decodeSource(v cty.Value) source {
	src := source{Env: str(v.GetAttr("env")), File: str(v.GetAttr("file")), Timeout: defaultTimeout,
		EnvFile: str(v.GetAttr("env_file")), Key: str(v.GetAttr("key"))}
	if c := v.GetAttr("command"); !c.IsNull() {
		src.Command = []string{}
		for it := c.ElementIterator(); it.Next(); {
			_, e := it.Element()
			src.Command = append(src.Command, str(e))
		}
	}
	if t := str(v.GetAttr("timeout")); t != "" {
		src.TimeoutText = t
		src.Timeout, _ = time.ParseDuration(t)
	}
	if g := v.GetAttr("generate"); !g.IsNull() {
		src.Generate = &generateSpec{Length: defaultLength, Alphabet: defaultAlphabet}
		if l := g.GetAttr("length"); !l.IsNull() {
			src.Generate.Length = bigInt(l.AsBigFloat())
		}
		if a := g.GetAttr("alphabet"); !a.IsNull() {
			src.Generate.Alphabet = a.AsString()
		}
	}
	return src
}

// bigInt returns f as an int, or -1 when it is not a whole number in range.
func bigInt(f *big.Float) int {
	if !f.IsInt() {
		return -1
	}
	i, acc := f.Int64()
	if acc != big.Exact || i > 1<<20 || i < 0 {
		return -1
	}
	return int(i)
}

// str returns a string value, or "" for null.
func str(v cty.Value) string {
	if v.IsNull() || !v.IsKnown() {
		return ""
	}
	return v.AsString()
}
