package runtime_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
)

// drSecrets are the secret values of the run: the random values drEnv gave
// the variables .env.example names.
func (d *drHost) drSecrets() []string {
	var s []string
	for _, kv := range d.env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "CLAWPLAN_GATEWAY_TOKEN", "CLAWPLAN_LMSTUDIO_KEY", "CLAWPLAN_TELEGRAM_BOT_TOKEN":
			s = append(s, v)
		}
	}
	return s
}

// drCanary sweeps the test host for the run's secrets: every clawplan
// output (apply, verify, plans, import), the imported manifest, clawplan's
// state directory (except secrets/, where generated values live 0600),
// openclaw.json (which holds SecretRefs, never values) and every file under
// /etc and the service user's home that group or others may read. The
// files that must hold them (.env and credentials/, 0600) are not readable
// by others, so they are not swept.
func (d *drHost) drCanary(t *testing.T, imported string) {
	secrets := d.drSecrets()
	if len(secrets) != 3 {
		t.Fatalf("the run's secrets: %d of 3 found in its environment", len(secrets))
	}
	outputs := append(append([]string{}, d.outputs...), imported)
	restest.CanarySweep(t, "the DR host's clawplan outputs and imported manifest", secrets, outputs, "", "")
	args := []string{}
	for _, s := range secrets {
		args = append(args, "-e", s)
	}
	script := `n=$(find /var/lib/clawplan -path /var/lib/clawplan/secrets -prune -o -type f -print | wc -l)
m=$(find /etc /home/openclaw -xdev -type f -perm /044 | wc -l)
echo "swept $((n + m + 1))"
{ find /var/lib/clawplan -path /var/lib/clawplan/secrets -prune -o -type f -print
  find /etc /home/openclaw -xdev -type f -perm /044
  echo /home/openclaw/.openclaw/openclaw.json; } | xargs -d '\n' grep -lF "$@" 2>/dev/null | sed 's/^/hit /'
true`
	out := d.box.MustExec(t, append([]string{"sh", "-c", script, "sweep"}, args...)...)
	swept, hits := 0, 0
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "swept "):
			swept, _ = strconv.Atoi(strings.TrimPrefix(l, "swept "))
		case strings.HasPrefix(l, "hit "):
			hits++
			t.Errorf("canary: a secret value is in %s on the test host", strings.TrimPrefix(l, "hit "))
		}
	}
	if swept < 10 {
		t.Fatalf("the sweep saw only %d files: %s", swept, out)
	}
	restest.Summary(t, "canary", swept, hits, "the DR host's state directory, openclaw.json and every group/world-readable file in /etc and the service user's home")
}

// drAudit records the security audit verify ran (its evidence says
// "audit: N critical, ...") in the suite summary.
func drAudit(t *testing.T, verify string) {
	m := regexp.MustCompile(`audit: (\d+) critical`).FindStringSubmatch(verify)
	if m == nil {
		t.Errorf("verify printed no audit summary:\n%s", verify)
		return
	}
	n, _ := strconv.Atoi(m[1])
	restest.Summary(t, "audit", 1, n, "openclaw security audit --deep on the DR host after the reference apply (clawplan verify)")
}
