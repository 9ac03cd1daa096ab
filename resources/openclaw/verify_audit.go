package openclaw

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
)

var _ resources.Verifier = (*writer)(nil)

// auditTimeout bounds `openclaw security audit --deep` (about 5-7 s, more
// on a cold state directory).
var auditTimeout = 60 * time.Second

// auditCheck is the check's name.
const auditCheck = "security audit: 0 critical"

// auditReport is what `openclaw security audit --json` prints; an invalid
// config gives ok false, an error and issues instead of a summary.
type auditReport struct {
	OK       *bool           `json:"ok"`
	Error    json.RawMessage `json:"error"` // a string, or {type, message}
	Issues   []struct{ Path, Message string }
	Summary  *struct{ Critical, Warn, Info int }
	Findings []struct{ CheckID, Severity string }
}

// Verify is the seed's functional test 5: OpenClaw's own `security audit
// --deep`, run with the installed CLI against the service user's home
// (offline: npm pointed at a closed port), must find 0 critical. Run as
// root, the CLI runs as the service user, so the state it migrates stays
// the user's own.
func (w *writer) Verify(ctx context.Context, h *resources.Host) []resources.Check {
	if w.orphaned {
		return nil
	}
	c := resources.Check{Name: auditCheck}
	u, err := account.Lookup(h, w.user)
	inst, ierr := findOpenClaw(h, u.Home, w.prefix, w.version)
	switch {
	case ierr != nil:
		c.Evidence = ierr.Error()
		return []resources.Check{c}
	case inst == nil:
		c.Evidence = "OpenClaw is not installed: not in " + u.Home + "/.openclaw/runtime/" + w.version + ", not on PATH (or " + openclawEnv + "); the gateway_service node installs it"
		return []resources.Check{c}
	}
	if err == nil && !u.Exists && filepath.Clean(h.Root) == "/" {
		err = fmt.Errorf("user %s does not exist", w.user)
	}
	if err == nil {
		err = configPresent(h, u)
	}
	if err != nil {
		c.Evidence = err.Error() + ": nothing to audit"
		return []resources.Check{c}
	}
	rep, how, err := runAudit(ctx, h, inst, u)
	c.Passed, c.Evidence = judgeAudit(how, rep, err)
	return []resources.Check{c}
}

// configPresent fails when the user has no openclaw.json to audit.
func configPresent(h *resources.Host, u account.User) error {
	p := path.Join(u.Home, ".openclaw", "openclaw.json")
	f, err := readLive(h, p)
	if err == nil && !f.Exists {
		err = fmt.Errorf("%s does not exist (apply writes it)", p)
	}
	return err
}

// runAudit runs the CLI and parses its JSON; how says what ran, for the evidence.
func runAudit(ctx context.Context, h *resources.Host, inst *installation, u account.User) (auditReport, string, error) {
	home, err := h.Path(u.Home)
	if err != nil {
		return auditReport{}, "", err
	}
	ctx, cancel := context.WithTimeout(ctx, auditTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, inst.bin, "security", "audit", "--deep", "--json")
	cmd.Env, cmd.Dir = offlineEnv(home, filepath.Dir(inst.bin)), home
	how := fmt.Sprintf("openclaw %s security audit --deep (HOME=%s", inst.version, home)
	if cred := serviceCredential(h, u); cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		how += ", as " + u.Name
	}
	how += ")"
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if i := bytes.IndexByte(out, '{'); i >= 0 {
		out = out[i:]
	}
	var rep auditReport
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		if err == nil {
			err = fmt.Errorf("no JSON report: %v", jerr)
		}
		return rep, how, fmt.Errorf("%v: %s", err, reason(stderr.String()))
	}
	return rep, how, nil
}

// errorText is the report's error, whichever form it has.
func (r auditReport) errorText() string {
	var s string
	if json.Unmarshal(r.Error, &s) == nil {
		return s
	}
	var e struct{ Type, Message string }
	if json.Unmarshal(r.Error, &e) == nil && e.Message != "" {
		return e.Message
	}
	return string(r.Error)
}

// serviceCredential is the service user's identity (with its groups, such
// as docker) when clawplan runs as root and the user exists (also under
// --root, as npm and the cron CLI run); nil otherwise.
func serviceCredential(h *resources.Host, u account.User) *syscall.Credential {
	if os.Geteuid() != 0 || !u.Exists || u.UID <= 0 {
		return nil
	}
	return &syscall.Credential{Uid: uint32(u.UID), Gid: uint32(u.GID), Groups: groupsOf(h, u)}
}

// groupsOf lists the gids of the groups in /etc/group that name the user.
func groupsOf(h *resources.Host, u account.User) []uint32 {
	gids := []uint32{uint32(u.GID)}
	f, err := readLive(h, "/etc/group")
	if err != nil || !f.Exists {
		return gids
	}
	for _, line := range strings.Split(string(f.Content), "\n") {
		fields := strings.Split(line, ":")
		if len(fields) < 4 {
			continue
		}
		gid, err := strconv.ParseUint(fields[2], 10, 32)
		for _, m := range strings.Split(fields[3], ",") {
			if err == nil && strings.TrimSpace(m) == u.Name && uint32(gid) != uint32(u.GID) {
				gids = append(gids, uint32(gid))
			}
		}
	}
	return gids
}

// judgeAudit passes a report with a summary and 0 critical; the evidence
// lists the checkIds per severity (critical and warn) and the counts.
func judgeAudit(how string, rep auditReport, err error) (bool, string) {
	switch {
	case err != nil:
		return false, fmt.Sprintf("%s: %v", how, err)
	case rep.OK != nil && !*rep.OK:
		var issues []string
		for _, i := range rep.Issues {
			issues = append(issues, i.Path+": "+i.Message)
		}
		return false, strings.TrimSpace(fmt.Sprintf("%s: refused to audit: %s %s", how, rep.errorText(), strings.Join(issues, "; ")))
	case rep.Summary == nil:
		return false, how + ": the report has no summary"
	}
	s := rep.Summary
	ev := fmt.Sprintf("%s: %d critical, %d warn, %d info", how, s.Critical, s.Warn, s.Info)
	for _, sev := range []string{"critical", "warn"} {
		if ids := findingIDs(rep, sev); len(ids) > 0 {
			ev += fmt.Sprintf("; %s: %s", sev, strings.Join(ids, ", "))
		}
	}
	return s.Critical == 0, ev
}

// findingIDs are the checkIds of one severity, sorted, with a count when
// one repeats.
func findingIDs(rep auditReport, severity string) []string {
	n := map[string]int{}
	for _, f := range rep.Findings {
		if f.Severity == severity {
			n[f.CheckID]++
		}
	}
	var out []string
	for id, k := range n {
		if k > 1 {
			id = fmt.Sprintf("%s (x%d)", id, k)
		}
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// reason picks the CLI's "Reason:" line from its stderr, else the last line.
func reason(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, l := range lines {
		if _, r, ok := strings.Cut(l, "Reason: "); ok {
			return r
		}
	}
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return l
	}
	return "(nothing on stderr)"
}
