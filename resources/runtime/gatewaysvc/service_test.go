package gatewaysvc

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// TestFreshHostPlan: no user, no install, no systemd. The plan does not
// fail; it creates, with reasons for what cannot be known yet.
func TestFreshHostPlan(t *testing.T) {
	h := restest.NewHost(t)
	svc := New(gwAddr, defaults(), nil)
	_, ch := restest.Plan(t, h, svc)
	if ch.Action != resources.Create {
		t.Fatalf("action = %s, want create", ch.Action)
	}
	if a, ok := attr(ch, "openclaw_version"); !ok || a.Before != nil || a.After != schema.OpenClawVersion {
		t.Fatalf("openclaw_version = %+v", a)
	}
	for _, p := range []string{"install_prefix", "active"} {
		if a, ok := attr(ch, p); !ok || a.Unknown == "" {
			t.Fatalf("%s should be unknown with a reason: %+v", p, a)
		}
	}
	if len(ch.Files) != 1 || !strings.Contains(ch.Files[0].After, "RestartPreventExitStatus=78\n") {
		t.Fatalf("a new unit should show as a file: %+v", ch)
	}
	if !slices.Contains(ch.Triggers, svc.Addr()) {
		t.Fatalf("a created gateway must trigger its own start: %v", ch.Triggers)
	}
}

// TestOfflineLifecycle runs the whole life on a --root tree (no user
// manager): apply writes the unit, the [Install] link and the linger file;
// the next plan is no-op; restore removes all three.
func TestOfflineLifecycle(t *testing.T) {
	restest.NeedRoot(t) // files are chowned to the service user
	h := testHost(t)
	seedInstall(t, h, defaultPrefix+schema.OpenClawVersion, schema.OpenClawVersion, "24.21.0")
	svc := New(gwAddr, defaults(), nil)
	restest.Lifecycle(t, h, svc)
	for _, p := range []string{"home/openclaw/.config/systemd/user/openclaw-gateway.service", "var/lib/systemd/linger/openclaw",
		"home/openclaw/.config/systemd/user/default.target.wants/openclaw-gateway.service", "home/openclaw/.config"} {
		if _, err := os.Lstat(filepath.Join(h.Root, p)); !os.IsNotExist(err) {
			t.Errorf("%s survived the restore (%v)", p, err)
		}
	}
}

// TestOfflineApplyFiles checks what apply leaves: the unit owned by the
// user, the link systemctl would make, the linger file.
func TestOfflineApplyFiles(t *testing.T) {
	restest.NeedRoot(t)
	h := testHost(t)
	seedInstall(t, h, defaultPrefix+schema.OpenClawVersion, schema.OpenClawVersion, "24.21.0")
	svc := New(gwAddr, defaults(), nil)
	_, ch := restest.Plan(t, h, svc)
	if err := svc.Apply(context.Background(), h, ch); err != nil {
		t.Fatal(err)
	}
	unit := "/home/openclaw/.config/systemd/user/openclaw-gateway.service"
	f, err := restest.Fresh(h).ReadFile(unit)
	if err != nil || f.UID != 1000 || f.GID != 1000 || f.Mode != 0o644 {
		t.Fatalf("unit %+v, %v", f, err)
	}
	if !strings.Contains(string(f.Content), "ExecStart=/home/openclaw/.openclaw/runtime/"+schema.OpenClawVersion+"/node_modules/node/bin/node --max-old-space-size=8192 ") {
		t.Fatalf("unit:\n%s", f.Content)
	}
	target, err := os.Readlink(filepath.Join(h.Root, "home/openclaw/.config/systemd/user/default.target.wants/openclaw-gateway.service"))
	if err != nil || target != unit {
		t.Fatalf("wants link -> %q, %v", target, err)
	}
	_, again := restest.Plan(t, restest.Fresh(h), svc)
	if again.Action != resources.NoOp || len(again.Notes) == 0 {
		t.Fatalf("second plan %+v; want no-op with a note on the unknown running state", again)
	}
}

// TestPortChangeKeyByKey: a port change updates the two keys that carry
// it, and asks for a restart.
func TestPortChangeKeyByKey(t *testing.T) {
	restest.NeedRoot(t)
	h := testHost(t)
	seedInstall(t, h, defaultPrefix+schema.OpenClawVersion, schema.OpenClawVersion, "24.21.0")
	svc := New(gwAddr, defaults(), nil)
	_, ch := restest.Plan(t, h, svc)
	if err := svc.Apply(context.Background(), h, ch); err != nil {
		t.Fatal(err)
	}
	set := defaults()
	set.Port = 18790
	moved := New(gwAddr, set, nil)
	_, ch = restest.Plan(t, restest.Fresh(h), moved)
	var keys []string
	for _, a := range ch.Attrs {
		if a.Unknown == "" { // "active" is unknown without a user manager
			keys = append(keys, a.Path)
		}
	}
	if ch.Action != resources.Update || strings.Join(keys, " ") != "unit.Service.ExecStart unit.Service.Environment" {
		t.Fatalf("action %s, attrs %v", ch.Action, keys)
	}
	if !slices.Contains(ch.Triggers, moved.Addr()) {
		t.Fatalf("a unit change must trigger the restart: %v", ch.Triggers)
	}
}

// TestVersionUpgradePlan shows installed against wanted versions and
// keeps the old install for rollback.
func TestVersionUpgradePlan(t *testing.T) {
	h := testHost(t)
	seedInstall(t, h, defaultPrefix+"2026.1.1", "2026.1.1", "22.3.0")
	set := defaults()
	set.Version = "2026.1.1"
	old := New(gwAddr, set, nil)
	_, ch := restest.Plan(t, h, old)
	if a, ok := attr(ch, "node_version"); !ok || a.Before != "22.3.0" {
		t.Fatalf("node 22 must not satisfy OpenClaw: %+v", ch.Attrs)
	}
	_, ch = restest.Plan(t, restest.Fresh(h), New(gwAddr, defaults(), nil))
	if a, ok := attr(ch, "openclaw_version"); !ok || a.Before != nil || a.After != schema.OpenClawVersion {
		t.Fatalf("the wanted version's prefix holds nothing yet: %+v", a)
	}
}

func TestFromExportDefaults(t *testing.T) {
	s, err := FromExport(cty.ObjectVal(map[string]cty.Value{"port": cty.NumberIntVal(18790), "bind": cty.StringVal("lan")}))
	if err != nil || s.User != "openclaw" || s.Port != 18790 || s.Bind != "lan" || s.Version != schema.OpenClawVersion || s.Node != "24" {
		t.Fatalf("%+v, %v", s, err)
	}
	if _, err := FromExport(cty.ObjectVal(map[string]cty.Value{"port": cty.NumberIntVal(0)})); err == nil {
		t.Fatal("port 0 accepted")
	}
	if _, err := FromExport(cty.ObjectVal(map[string]cty.Value{"install_prefix": cty.StringVal("rel")})); err == nil {
		t.Fatal("relative install_prefix accepted")
	}
}
