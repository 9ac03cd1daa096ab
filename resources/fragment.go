package resources

import "github.com/zclconf/go-cty/cty"

// Fragment is a value one block claims at a path of a shared document
// (openclaw.json). Exactly one synthesized node owns each document and
// writes it once per apply; keys nobody claims are preserved.
type Fragment struct {
	// Doc names the document: "openclaw.json".
	Doc string
	// Path is the JSON path, one element per key: ["channels", "telegram"].
	Path []string
	// Value is the JSON-compatible value to put there.
	Value any
}

// Fragmenter is a Resource that contributes fragments to shared documents.
type Fragmenter interface {
	Fragments() []Fragment
}

// SecretRefType is the type of the value a `secret.NAME` reference takes in
// other blocks: where the secret is delivered, never the secret itself.
//
//	name  the secret's name
//	env   the environment variable it is delivered as, or null
//	file  the host path of its credentials file, or null
//	ref   OpenClaw's SecretRef object {source, provider, id} for the
//	      preferred sink (env when delivered as env, else file)
var SecretRefType = cty.Object(map[string]cty.Type{
	"name": cty.String,
	"env":  cty.String,
	"file": cty.String,
	"ref": cty.Object(map[string]cty.Type{
		"source":   cty.String,
		"provider": cty.String,
		"id":       cty.String,
	}),
})
