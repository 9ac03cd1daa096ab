package secret

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/zclconf/go-cty/cty"
)

const rotating = `secret "gateway_token" {
  source {
    generate { length = 48 }
  }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
  deliver { file = true }
}`

// declare decodes the rotating secret with a gateway block and its writer,
// as the engine would: cross-validated and synthesized.
func declare(t *testing.T) (*Secret, *EnvFile) {
	t.Helper()
	s := decode(t, rotating)
	c := catalog{s, gatewayWith(cty.NullVal(cty.String))}
	if d := s.CrossValidate(c); d.HasErrors() {
		t.Fatal(d.Error())
	}
	return s, synthesize(t, c...)[0]
}

func TestReplaceRotates(t *testing.T) {
	h := newHost(t)
	put(t, h, envPath, "FOREIGN=keep\n", 0o600)
	s, w := declare(t)
	apply(t, h, s)
	apply(t, h, w)
	oldFile := read(t, h, "/home/openclaw/.openclaw/credentials/gateway_token")
	oldEnv := read(t, h, envPath)
	oldStored, _ := os.ReadFile(filepath.Join(h.StateDir, "secrets/gateway_token"))
	oldInfo := stat(t, h, "/home/openclaw/.openclaw/credentials/gateway_token")

	h2 := restest.Fresh(h)
	s, w = declare(t)
	st, err := s.Probe(context.Background(), h2)
	must(t, err)
	ch, err := s.Replace(st)
	must(t, err)
	if ch.Action != resources.Replace || !slices.Equal(attrPaths(ch), []string{"value", "env.OPENCLAW_GATEWAY_TOKEN"}) {
		t.Fatalf("rotation should change the value and the env line and nothing else: %s %v", ch.Action, attrPaths(ch))
	}
	for _, a := range ch.Attrs {
		b, _ := a.Before.(string)
		f, _ := a.After.(string)
		if !a.Sensitive || !strings.HasPrefix(b, "fp ") || !strings.HasPrefix(f, "fp ") || a.Before == a.After {
			t.Fatalf("want sensitive fingerprints that change: %+v", a)
		}
	}
	if len(ch.Files) != 2 || !ch.Files[0].Sensitive || !ch.Files[1].Sensitive {
		t.Fatalf("want the credentials file and .env as sensitive files: %+v", ch.Files)
	}
	if !slices.Contains(ch.Triggers, resources.Addr{Kind: "gateway_service", Name: "main"}) {
		t.Fatalf("rotation must restart the gateway: %v", ch.Triggers)
	}
	if _, wch := restest.Plan(t, h2, w); wch.Action != resources.NoOp {
		t.Fatalf("the writer has nothing to do during a pure rotation: %+v", wch)
	}
	snap, err := s.Snapshot(context.Background(), h2)
	must(t, err)
	must(t, s.Apply(context.Background(), h2, ch))

	newFile := read(t, h, "/home/openclaw/.openclaw/credentials/gateway_token")
	newStored, _ := os.ReadFile(filepath.Join(h.StateDir, "secrets/gateway_token"))
	if newFile == oldFile || newFile != string(newStored) || len(newFile) != 48 {
		t.Fatalf("rotation did not rewrite the credentials file with the new stored value")
	}
	if env := read(t, h, envPath); env != strings.Replace(oldEnv, oldFile, newFile, 1) {
		t.Fatalf(".env after rotation:\n%s\nbefore:\n%s", env, oldEnv)
	}
	ni := stat(t, h, "/home/openclaw/.openclaw/credentials/gateway_token")
	if ni.Mode() != oldInfo.Mode() || owner(ni) != owner(oldInfo) {
		t.Fatalf("rotation changed mode or owner")
	}
	for _, r := range []resources.Resource{s, w} {
		if _, again := restest.Plan(t, restest.Fresh(h), r); again.Action != resources.NoOp {
			t.Fatalf("%s after rotation: %s %+v", r.Addr(), again.Action, again.Attrs)
		}
	}

	// A failed apply rolls the rotation back: old value everywhere.
	must(t, s.Restore(context.Background(), restest.Fresh(h), snap))
	restored, _ := os.ReadFile(filepath.Join(h.StateDir, "secrets/gateway_token"))
	if read(t, h, "/home/openclaw/.openclaw/credentials/gateway_token") != oldFile || read(t, h, envPath) != oldEnv || string(restored) != string(oldStored) {
		t.Fatalf("restore did not bring the old value back to every sink")
	}
}

func TestReplaceNonGenerated(t *testing.T) {
	h := newHost(t)
	t.Setenv("CPT_R", "stable-value-123456")
	s := decode(t, `secret "r" {
  source { env = "CPT_R" }
  deliver { file = true }
}`)
	apply(t, h, s)
	st, err := s.Probe(context.Background(), restest.Fresh(h))
	must(t, err)
	ch, err := s.Replace(st)
	must(t, err)
	if ch.Action != resources.Replace || !strings.Contains(strings.Join(ch.Notes, " "), "rotate the value at its source") {
		t.Fatalf("%+v", ch)
	}
	must(t, s.Apply(context.Background(), restest.Fresh(h), ch))
	if read(t, h, "/home/openclaw/.openclaw/credentials/r") != "stable-value-123456" {
		t.Fatalf("value changed")
	}
}

// TestParallelRotations rotates several secrets of one .env at once, as the
// engine's parallel walk does: every line ends up with its new value.
func TestParallelRotations(t *testing.T) {
	h := newHost(t)
	var secrets []*Secret
	var rs []resources.Resource
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		s := decode(t, `secret "`+n+`" {
  source {
    generate { length = 32 }
  }
  deliver { env = "CPT_`+strings.ToUpper(n)+`" }
  deliver { file = true }
}`)
		secrets, rs = append(secrets, s), append(rs, s)
	}
	for _, r := range append(rs, synthesize(t, rs...)[0]) {
		apply(t, h, r)
	}
	h2 := restest.Fresh(h)
	changes := make([]resources.Change, len(secrets))
	for i, s := range secrets {
		st, err := s.Probe(context.Background(), h2)
		must(t, err)
		changes[i], err = s.Replace(st)
		must(t, err)
	}
	errs := make(chan error, len(secrets))
	for i, s := range secrets {
		go func() { errs <- s.Apply(context.Background(), h2, changes[i]) }()
	}
	for range secrets {
		must(t, <-errs)
	}
	env := read(t, h, envPath)
	for _, s := range secrets {
		v := read(t, h, credDir+"/"+s.addr.Name)
		if !strings.Contains(env, "CPT_"+strings.ToUpper(s.addr.Name)+"="+v+"\n") {
			t.Fatalf("%s: the .env line does not hold the rotated value:\n%s", s.addr, env)
		}
	}
	if fi := stat(t, h, credDir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("credentials dir %o", fi.Mode().Perm())
	}
}
