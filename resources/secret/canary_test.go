package secret

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// canaryRun collects everything a run shows or says.
type canaryRun struct {
	t    *testing.T
	log  bytes.Buffer
	seen []string // JSON of every change, every error and note
}

func (c *canaryRun) host(h *resources.Host) *resources.Host { return logHost(h, &c.log) }

func (c *canaryRun) plan(h *resources.Host, r resources.Resource) (resources.State, resources.Change) {
	st, err := r.Probe(context.Background(), h)
	must(c.t, err)
	ch, err := r.Diff(st)
	must(c.t, err)
	c.seen = append(c.seen, asJSON(c.t, ch), asJSON(c.t, st.Fingerprint))
	return st, ch
}

func (c *canaryRun) err(err error) {
	if err != nil {
		c.seen = append(c.seen, err.Error())
	}
}

// TestCanary sends a unique value through plan, apply, a failed apply with
// rollback, a second apply and an orphan delete, and finds it nowhere but
// in the two 0600 files that must hold it.
func TestCanary(t *testing.T) {
	restest.NeedRoot(t)
	raw := make([]byte, 12)
	rand.Read(raw)
	canary := "cpt-canary-" + hex.EncodeToString(raw)
	oldLiteral := "cpt-old-literal-" + hex.EncodeToString(raw)
	t.Setenv("CPT_CANARY", canary)
	c := &canaryRun{t: t}
	base := newHost(t)
	put(t, base, "/home/openclaw/.openclaw/openclaw.json", `{"gateway":{"auth":{"mode":"token","token":"`+oldLiteral+`"}}}`, 0o600)
	src := `secret "gateway_token" {
  source { env = "CPT_CANARY" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
  deliver { file = true }
}`
	s := decode(t, src)
	w := synthesize(t, s)[0]

	// Plan, then an apply that fails in the .env writer and is rolled back.
	h := c.host(base)
	_, sch := c.plan(h, s)
	_, wch := c.plan(h, w)
	if !strings.Contains(strings.Join(sch.Notes, " "), "literal gateway.auth.token") {
		t.Fatalf("want the literal-token note: %v", sch.Notes)
	}
	ssnap, err := s.Snapshot(context.Background(), h)
	must(t, err)
	must(t, s.Apply(context.Background(), h, sch))
	wsnap, err := w.Snapshot(context.Background(), h)
	must(t, err)
	must(t, os.Mkdir(filepath.Join(base.Root, envPath), 0o700)) // fault: .env is a directory
	failed := w.Apply(context.Background(), h, wch)
	if failed == nil {
		t.Fatal("the injected fault did not fail the apply")
	}
	c.err(failed)
	must(t, os.Remove(filepath.Join(base.Root, envPath)))
	c.err(w.Restore(context.Background(), h, wsnap))
	c.err(s.Restore(context.Background(), h, ssnap))
	if _, err := readErr(base, credDir+"/gateway_token"); err == nil {
		t.Fatal("rollback left the credentials file")
	}

	// A clean apply, a no-change plan, and a check of the files.
	h = c.host(base)
	for _, r := range []resources.Resource{s, w} {
		_, ch := c.plan(h, r)
		must(t, r.Apply(context.Background(), h, ch))
	}
	h = c.host(base)
	for _, r := range []resources.Resource{s, w} {
		if _, ch := c.plan(h, r); ch.Action != resources.NoOp {
			t.Fatalf("%s not stable: %+v", r.Addr(), ch)
		}
	}
	if h.Secrets.Redact("x"+canary+"x") != "x"+resources.Redacted+"x" || h.Secrets.Redact(oldLiteral) != resources.Redacted {
		t.Fatal("the probe did not register the values with the redactor")
	}
	holders := filesHolding(t, base.Root, canary)
	if strings.Join(holders, ",") != envPath+","+credDir+"/gateway_token" {
		t.Fatalf("files holding the canary: %v", holders)
	}

	// The block is removed: the orphan deletes the file.
	rec, _ := s.Ownership()
	orphan, err := Kind{}.Orphan(s.Addr(), rec)
	must(t, err)
	_, och := c.plan(c.host(base), orphan)
	c.err(orphan.Apply(context.Background(), c.host(base), och))

	restest.CanarySweep(t, "secret kind: plan, failed apply, rollback, apply, orphan delete (outputs and logs)",
		[]string{canary, oldLiteral}, append(c.seen, c.log.String()), base.Root, "")
	if !strings.Contains(c.log.String(), "secret delivered") {
		t.Fatalf("the debug log is empty, the check is void: %q", c.log.String())
	}
}

// filesHolding walks root and returns the host paths of files that contain
// s. Every one of them must be 0600.
func filesHolding(t *testing.T, root, s string) []string {
	var out []string
	must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(s)) {
			return err
		}
		fi, _ := d.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s holds a secret with mode %o", p, fi.Mode().Perm())
		}
		out = append(out, strings.TrimPrefix(p, root))
		return nil
	}))
	return out
}
