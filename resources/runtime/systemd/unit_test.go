package systemd

import (
	"os"
	"strings"
	"testing"
)

var refParams = UnitParams{Home: "/home/openclaw", Prefix: "/home/openclaw/.openclaw/runtime/2026.9.6", Port: 18790}

// TestRenderMatchesInstaller compares the rendered unit byte for byte with
// the unit OpenClaw 2026.9.6's own buildSystemdUnit wrote (openclaw.md §5,
// with <home> and <prefix> filled in).
func TestRenderMatchesInstaller(t *testing.T) {
	want, err := os.ReadFile("testdata/openclaw-gateway.service")
	if err != nil {
		t.Fatal(err)
	}
	if got := Serialize(Render(refParams)); string(got) != string(want) {
		t.Fatalf("rendered unit differs from the installer's:\n%s", got)
	}
}

func TestManagedEnvKeysSorted(t *testing.T) {
	p := refParams
	p.ManagedEnvKeys = []string{"OPENCLAW_GATEWAY_TOKEN", "BRAVE_API_KEY"}
	got := string(Serialize(Render(p)))
	if !strings.Contains(got, "Environment=OPENCLAW_SERVICE_MANAGED_ENV_KEYS=BRAVE_API_KEY,OPENCLAW_GATEWAY_TOKEN\n") {
		t.Fatalf("managed env keys line missing or unsorted:\n%s", got)
	}
}

// TestCompareKeyByKey: a port change shows as the two keys it changes; a
// hand-added key shows as removed; layout and comments do not count.
func TestCompareKeyByKey(t *testing.T) {
	cur, err := Parse(append([]byte("# hand edited\n"), Serialize(Render(refParams))...))
	if err != nil {
		t.Fatal(err)
	}
	if d := Compare(cur, Render(refParams)); d != nil {
		t.Fatalf("equal units differ: %+v", d)
	}
	p := refParams
	p.Port = 18789
	cur = append(cur, Render(refParams)[0])
	cur[len(cur)-1].Section, cur[len(cur)-1].Name = "Service", "Nice"
	d := Compare(cur, Render(p))
	keys := []string{}
	for _, c := range d {
		keys = append(keys, c.Key)
	}
	if strings.Join(keys, " ") != "Service.ExecStart Service.Environment Service.Nice" {
		t.Fatalf("changed keys = %v", keys)
	}
	if d[2].After != nil || len(d[1].Before) != 10 || len(d[1].After) != 10 {
		t.Fatalf("values: %+v", d)
	}
}
