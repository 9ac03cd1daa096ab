package openclaw

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// The example renders to the 0-critical reference shape of 2026.9.6, in
// one write, 0600 in a 0700 directory; the next plan is empty.
func TestExampleRendersAndSecondPlanIsEmpty(t *testing.T) {
	h := newHost(t)
	cat := mustManifest(t, readExample(t))
	if d := crossValidate(cat); len(d) > 0 {
		t.Fatalf("the example trips the security rules: %s", d.Error())
	}
	w := synth(t, cat)
	chs := plan(t, h, append(ours(cat), w)...)
	if a := chs[w.addr].Action; a != resources.Create {
		t.Fatalf("writer action %s, want create", a)
	}
	if tr := chs[w.addr].Triggers; len(tr) != 1 || tr[0].String() != "gateway_service.main" {
		t.Fatalf("writer triggers %v, want the gateway's restart", tr)
	}
	tg := chs[resources.Addr{Kind: "channel", Name: "telegram"}]
	if tg.Action != resources.Create || !hasAttr(tg, "channels.telegram.tokenFile") || !hasAttr(tg, `channels.telegram.groups["*"].requireMention`) {
		t.Fatalf("telegram change: %+v", tg)
	}
	apply(t, h, w)
	_, cfg := readConfig(t, h)
	want := map[string]string{
		"gateway.mode":                               `"local"`,
		"gateway.bind":                               `"loopback"`,
		"gateway.port":                               `18789`,
		"gateway.auth.token":                         `{"id":"OPENCLAW_GATEWAY_TOKEN","provider":"default","source":"env"}`,
		"discovery.mdns.mode":                        `"off"`,
		"update.checkOnStart":                        `false`,
		"models.catalogRefresh.enabled":              `false`,
		"tools.deny":                                 `["group:web","browser"]`,
		"channels.telegram.tokenFile":                `"/home/openclaw/.openclaw/credentials/telegram-bot-token"`,
		"channels.telegram.allowFrom":                `["123456789"]`,
		"agents.ownership":                           `"explicit"`,
		"agents.defaults.model":                      `{"fallbacks":[],"primary":"lmstudio/qwen/qwen3-32b"}`,
		"agents.defaults.sandbox.mode":               `"non-main"`,
		"agents.defaults.sandbox.docker.image":       `"openclaw-sandbox:custom"`,
		"agents.defaults.heartbeat.agentId":          `"trusted"`,
		"agents.entries.trusted.sandbox.mode":        `"off"`,
		"agents.entries.untrusted-reader.tools.deny": `["exec","process","write","edit","apply_patch","browser"]`,
		"bindings":                                   `[{"agentId":"untrusted-reader","match":{"channel":"telegram"}}]`,
	}
	for path, v := range want {
		if got := jsonText(lookup(cfg, path)); got != v {
			t.Errorf("%s = %s, want %s", path, got, v)
		}
	}
	if _, leaked := cfg["logging"]; leaked {
		t.Error("logging written without redact_patterns")
	}
	assertModes(t, h)
	for addr, ch := range plan(t, restest.Fresh(h), append(ours(cat), w)...) {
		if ch.Action != resources.NoOp {
			t.Errorf("second plan: %s is %s: %+v", addr, ch.Action, ch)
		}
	}
}

func hasAttr(ch resources.Change, path string) bool {
	for _, a := range ch.Attrs {
		if a.Path == path {
			return true
		}
	}
	return false
}

func assertModes(t *testing.T, h *resources.Host) {
	t.Helper()
	fi, err := os.Stat(configPath(h, "openclaw"))
	if err != nil {
		t.Fatal(err)
	}
	di, _ := os.Stat(filepath.Dir(configPath(h, "openclaw")))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes: file %v dir %v, want 0600 and 0700", fi.Mode().Perm(), di.Mode().Perm())
	}
}

// Keys OpenClaw and people wrote survive, in meta and inside a managed
// object; 19-digit integers keep their bytes; the second plan is empty.
func TestForeignKeysSurvive(t *testing.T) {
	h := newHost(t)
	existing := `{
  "meta": {
    "lastTouchedVersion": "2026.9.6",
    "handAdded": {"note": "keep me", "snowflake": 1234567890123456789}
  },
  "wizard": {"lastRunAt": "2026-09-07T10:00:00.000Z"},
  "gateway": {"port": 1, "handTuned": true},
  "channels": {"telegram": {"linkPreview": false}},
  "plugins": {"entries": {"lmstudio": {"enabled": true}}}
}
`
	writeConfig(t, h, existing)
	cat := mustManifest(t, readExample(t))
	w := synth(t, cat)
	chs := plan(t, h, append(ours(cat), w)...)
	gw := chs[resources.Addr{Kind: "gateway", Name: "main"}]
	if gw.Action != resources.Update || !attrIs(gw, "gateway.port", "1", "18789") {
		t.Fatalf("gateway change: %+v", gw.Attrs)
	}
	apply(t, h, w)
	text, cfg := readConfig(t, h)
	for path, v := range map[string]string{
		"meta.handAdded.note":           `"keep me"`,
		"meta.lastTouchedVersion":       `"2026.9.6"`,
		"wizard.lastRunAt":              `"2026-09-07T10:00:00.000Z"`,
		"gateway.handTuned":             `true`,
		"channels.telegram.linkPreview": `false`,
		"plugins.entries.lmstudio":      `{"enabled":true}`,
		"gateway.port":                  `18789`,
	} {
		if got := jsonText(lookup(cfg, path)); got != v {
			t.Errorf("%s = %s, want %s", path, got, v)
		}
	}
	if !strings.Contains(text, `"snowflake": 1234567890123456789`) {
		t.Errorf("snowflake changed:\n%s", text)
	}
	if !strings.HasPrefix(text, "{\n  \"meta\": {\n    \"lastTouchedVersion\": \"2026.9.6\",") {
		t.Errorf("key order of untouched objects changed:\n%s", text)
	}
	for addr, ch := range plan(t, restest.Fresh(h), append(ours(cat), w)...) {
		if ch.Action != resources.NoOp {
			t.Errorf("second plan: %s is %s", addr, ch.Action)
		}
	}
}

func attrIs(ch resources.Change, path, before, after string) bool {
	for _, a := range ch.Attrs {
		if a.Path == path {
			return jsonText(a.Before) == before && jsonText(a.After) == after
		}
	}
	return false
}

// A JSON5 file with comments is read; the comments stay with their keys
// and the plan says the layout is rewritten.
func TestJSON5WithComments(t *testing.T) {
	h := newHost(t)
	writeConfig(t, h, `// written by hand
{
  // keep the wizard's trace
  wizard: {lastRunAt: '2026-09-07T10:00:00.000Z',},
  gateway: {
    port: 18789, // the default
    /* old style */ bind: "127.0.0.1",
    trustedProxies: [/* the old LAN proxy */ "10.0.0.1"],
  },
}
`)
	cat := mustManifest(t, readExample(t))
	w := synth(t, cat)
	ch := plan(t, h, w)[w.addr]
	if !noteContains(ch, "has comments") {
		t.Errorf("no note about comments: %q", ch.Notes)
	}
	if !noteContains(ch, "1 comment(s)") {
		t.Errorf("no note about the dropped comment: %q", ch.Notes)
	}
	apply(t, h, w)
	text, cfg := readConfig(t, h)
	for _, c := range []string{"// written by hand", "// keep the wizard's trace", "// the default", "/* old style */"} {
		if !strings.Contains(text, c) {
			t.Errorf("comment %q lost:\n%s", c, text)
		}
	}
	if lookup(cfg, "gateway.bind") != "loopback" || lookup(cfg, "wizard.lastRunAt") != "2026-09-07T10:00:00.000Z" {
		t.Errorf("values: %s", text)
	}
}

func noteContains(ch resources.Change, s string) bool {
	for _, n := range ch.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// Removing the telegram block removes exactly channels.telegram (and the
// channels object clawplan created for it), and its orphan shows the paths.
func TestRemovingTelegramRemovesOnlyItsPaths(t *testing.T) {
	h := newHost(t)
	writeConfig(t, h, `{"meta": {"lastTouchedVersion": "2026.9.6"}}`)
	cat := mustManifest(t, readExample(t))
	w := synth(t, cat)
	apply(t, h, w)
	_, before := readConfig(t, h)
	tg := resources.Addr{Kind: "channel", Name: "telegram"}
	r, _ := cat.Get(tg)
	rec, err := r.(resources.Owner).Ownership()
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := channelKind{}.Orphan(tg, rec)
	if err != nil {
		t.Fatal(err)
	}
	// The agent that routed telegram goes along; it is a binding of its own.
	smaller := mustManifest(t, strings.Replace(cutBlock(readExample(t), `channel "telegram"`), `channels = ["telegram"]`, "", 1))
	w2 := synth(t, smaller)
	reader, _ := smaller.Get(resources.Addr{Kind: "agent", Name: "untrusted-reader"})
	chs := plan(t, restest.Fresh(h), orphan, reader, w2)
	if o := chs[tg]; o.Action != resources.Delete || !hasAttr(o, "channels.telegram.dmPolicy") {
		t.Fatalf("orphan change: %+v", o)
	}
	// The agent that no longer routes telegram shows its binding going.
	if r := chs[reader.Addr()]; r.Action != resources.Update || !attrIs(r, `bindings[agentId="untrusted-reader",match.channel="telegram"].match.channel`, `"telegram"`, "null") {
		t.Fatalf("agent change: %+v", r)
	}
	apply(t, restest.Fresh(h), w2)
	_, after := readConfig(t, h)
	delete(before, "channels")
	delete(before, "bindings")
	if jsonText(before) != jsonText(after) {
		t.Fatalf("removing telegram changed more than channels.telegram:\nbefore %s\nafter  %s", jsonText(before), jsonText(after))
	}
}

// cutBlock removes the block that starts with header from an HCL source.
func cutBlock(src, header string) string {
	i := strings.Index(src, header)
	if i < 0 {
		return src
	}
	depth, j := 0, i
	for ; j < len(src); j++ {
		if src[j] == '{' {
			depth++
		} else if src[j] == '}' {
			if depth--; depth == 0 {
				break
			}
		}
	}
	return src[:i] + src[j+1:]
}

// The writer passes the lifecycle every kind must: create, no-op, restore.
func TestWriterLifecycle(t *testing.T) {
	h := newHost(t)
	writeConfig(t, h, `{"meta": {"x": 1}}`)
	if err := os.Chmod(configPath(h, "openclaw"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := synth(t, mustManifest(t, readExample(t)))
	ch := restest.Lifecycle(t, h, w)
	if !hasAttr(ch, "mode") {
		t.Errorf("0644 file: no mode change in %+v", ch.Attrs)
	}
	if b, _ := os.ReadFile(configPath(h, "openclaw")); string(b) != `{"meta": {"x": 1}}` {
		t.Errorf("restore: %s", b)
	}
}

// A snapshot marshalled to disk restores from a new process's writer,
// including "did not exist" for the file and its directory.
func TestRestoreFromSavedSnapshot(t *testing.T) {
	h := newHost(t)
	w := synth(t, mustManifest(t, readExample(t)))
	snap := apply(t, h, w)
	saved, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	var back resources.Snapshot
	if err := json.Unmarshal(saved, &back); err != nil {
		t.Fatal(err)
	}
	fresh := synth(t, mustManifest(t, readExample(t)))
	if err := fresh.Restore(context.Background(), restest.Fresh(h), back); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(configPath(h, "openclaw"))); !os.IsNotExist(err) {
		t.Errorf("~/.openclaw still exists after restoring a fresh host: %v", err)
	}
	rec, _ := recordPath(h, "openclaw")
	if _, err := os.Stat(rec); !os.IsNotExist(err) {
		t.Errorf("ownership record still exists: %v", err)
	}
}

// Apply refuses a file that changed after the plan read it.
func TestApplyRefusesChangedFile(t *testing.T) {
	h := newHost(t)
	writeConfig(t, h, `{}`)
	w := synth(t, mustManifest(t, readExample(t)))
	_, ch := restest.Plan(t, h, w)
	writeConfig(t, h, `{"meta": {"lastTouchedVersion": "2026.9.7"}}`)
	err := w.Apply(context.Background(), h, ch)
	if err == nil || !strings.Contains(err.Error(), "changed since it was planned") {
		t.Fatalf("apply over a changed file: %v", err)
	}
}

// With every block gone, the orphaned writer removes what it wrote and
// the file it created.
func TestOrphanedWriterRemovesFile(t *testing.T) {
	h := newHost(t)
	w := synth(t, mustManifest(t, readExample(t)))
	apply(t, h, w)
	rec, err := w.Ownership()
	if err != nil {
		t.Fatal(err)
	}
	o, err := writerKind{}.Orphan(w.addr, rec)
	if err != nil {
		t.Fatal(err)
	}
	_, ch := restest.Plan(t, restest.Fresh(h), o)
	if ch.Action != resources.Delete {
		t.Fatalf("orphan writer: %s", ch.Action)
	}
	if err := o.Apply(context.Background(), restest.Fresh(h), ch); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(configPath(h, "openclaw")); !os.IsNotExist(err) {
		t.Fatalf("openclaw.json still there: %v", err)
	}
}
