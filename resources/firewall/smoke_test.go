package firewall

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

func TestSmoke(t *testing.T) {
	ns, path := newNetNS(t)
	h := restest.NewHost(t)
	r := inNS(t, path, `firewall "sandbox" {}`)
	ch := plan(t, h, r)
	b, _ := json.MarshalIndent(ch, "", " ")
	t.Logf("%s", b)
	if err := r.Apply(context.Background(), h, ch); err != nil {
		t.Fatal(err)
	}
	t.Log(nsNft(t, ns, "list", "ruleset"))
	ch = plan(t, h, r)
	b, _ = json.MarshalIndent(ch, "", " ")
	t.Logf("%s", b)
}
