package engine

import (
	"context"

	"github.com/clawplan/clawplan/resources"
)

// VerifyResult is one resource's checks.
type VerifyResult struct {
	Addr   resources.Addr    `json:"address"`
	Checks []resources.Check `json:"checks"`
}

// Verify runs every Verifier's functional tests, in parallel, and returns
// them in manifest order with whether all passed.
func (s *Session) Verify(ctx context.Context) ([]VerifyResult, bool) {
	var vs []resources.Verifier
	var addrs []resources.Addr
	for _, r := range s.Config.Resources {
		if v, ok := r.(resources.Verifier); ok {
			vs = append(vs, v)
			addrs = append(addrs, r.Addr())
		}
	}
	out := make([]VerifyResult, len(vs))
	parallelEach(len(vs), func(i int) {
		out[i] = VerifyResult{Addr: addrs[i], Checks: vs[i].Verify(ctx, s.Host)}
	})
	ok := true
	for _, r := range out {
		for _, c := range r.Checks {
			ok = ok && c.Passed
		}
	}
	return out, ok
}
