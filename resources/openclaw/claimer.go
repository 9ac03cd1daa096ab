package openclaw

import (
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/hashicorp/hcl/v2"
)

// claimer collects a block's claims in the order they should appear in
// a new file, each tied to the manifest attribute that produced it.
type claimer struct {
	body hcl.Body
	out  []claim
}

// set claims path for value, produced by the attribute at attr.
func (c *claimer) set(path doc.Path, value any, attr ...string) {
	c.out = append(c.out, claim{path: path, value: value, attr: joinPath(attr), rng: rangeOf(c.body, attr...)})
}

// opt claims path when the optional value is set.
func optBool(c *claimer, path doc.Path, v *bool, attr ...string) {
	if v != nil {
		c.set(path, *v, attr...)
	}
}

func optString(c *claimer, path doc.Path, v *string, attr ...string) {
	if v != nil {
		c.set(path, *v, attr...)
	}
}

func optInt(c *claimer, path doc.Path, v *int, attr ...string) {
	if v != nil {
		c.set(path, *v, attr...)
	}
}

func optList(c *claimer, path doc.Path, v []string, attr ...string) {
	if v != nil {
		c.set(path, stringList(v), attr...)
	}
}

// secret claims a SecretRef (and the provider entry it needs).
func (c *claimer) secret(path []string, s *secretRef, attr ...string) {
	if s != nil {
		c.out = append(c.out, s.claims(path, joinPath(attr), rangeOf(c.body, attr...))...)
	}
}
