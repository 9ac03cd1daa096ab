package cron

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// The blocks of the end-to-end test: the seed's two jobs, then edited.
const (
	newsBlock = `cron "news" {
  display_name = "Daily News"
  cron    = "0 8 * * *"
  tz      = "Europe/Berlin"
  message = "Summarize today's top 5 news stories."
  announce {
    channel = "telegram"
    to      = "-1001234567890:topic:123"
  }
}`
	newsEdited = `cron "news" {
  display_name = "Daily News"
  cron    = "30 7 * * 1-5"
  tz      = "Europe/Berlin"
  message = "Summarize the top 3 stories."
  wake    = "next-heartbeat"
  enabled = false
  announce {
    channel = "telegram"
    to      = "-1001234567890:topic:123"
  }
}`
	reminderBlock = `cron "reminder" {
  at               = "2030-01-02T09:00"
  tz               = "Europe/Berlin"
  system_event     = "Reminder: check backup status"
  delete_after_run = true
}`
	reminderIsolated = `cron "reminder" {
  at               = "2030-01-02T09:00"
  tz               = "Europe/Berlin"
  message          = "Check the backup status and report."
  delete_after_run = true
}`
)

// TestRealGateway drives a real OpenClaw gateway: clawplan creates, edits,
// replaces and deletes its jobs, OpenClaw's own listing shows each step,
// and the jobs it does not own (made by hand, another tool's, OpenClaw's
// system jobs) are byte for byte untouched. CLI calls cost about a second
// each, so the steps share one gateway and a few jobs.
func TestRealGateway(t *testing.T) {
	h := gatewayHost(t)
	c := gatewayCLI(t, h)
	runCLI(t, c, "cron", "add", "--name", "by-hand", "--cron", "0 6 * * *", "--session", "isolated", "--message", "made by hand", "--no-deliver")
	runCLI(t, c, "cron", "add", "--declaration-key", "othertool:job", "--name", "news", "--every", "1h", "--session", "main", "--system-event", "another tool")
	foreign := foreignJobs(t, h)
	if len(foreign) < 5 {
		t.Fatalf("want the hand-made job, the other tool's job and OpenClaw's system jobs, got %v", keys(foreign))
	}

	news, reminder := decode(t, newsBlock), decode(t, reminderBlock)
	for _, r := range []resources.Resource{news, reminder} {
		applyPlan(t, h, r, resources.Create)
		noChange(t, h, r)
	}
	js, _ := readJobsNow(h, dbPath("/home/openclaw"))
	if len(js.ByKey) != 2 {
		t.Errorf("the plan sees only clawplan's jobs, want 2: %v", keys(js.ByKey))
	}

	newsSnap, err := news.Snapshot(context.Background(), restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	edited := decode(t, newsEdited)
	ch := applyPlan(t, h, edited, resources.Update)
	if len(ch.Attrs) != 4 {
		t.Errorf("edit attrs = %+v, want schedule, message, wake, enabled", ch.Attrs)
	}
	noChange(t, h, edited)
	applyPlan(t, h, decode(t, reminderIsolated), resources.Replace)
	noChange(t, h, decode(t, reminderIsolated))

	orphan, err := Kind{}.Orphan(reminder.Addr(), mustOwnership(t, reminder))
	if err != nil {
		t.Fatal(err)
	}
	applyPlan(t, h, orphan, resources.Delete)
	noChange(t, h, orphan)

	listed := listJobs(t, c)
	n := listed["clawplan:news"]
	if n == nil || n.Payload.Message != "Summarize the top 3 stories." || n.WakeMode != "next-heartbeat" || n.Enabled || n.Schedule.Expr != "30 7 * * 1-5" {
		t.Errorf("openclaw cron list shows clawplan:news as %+v, want the edited job", n)
	}
	if n != nil && (n.Delivery == nil || n.Delivery.Channel != "telegram" || n.Delivery.To != "-1001234567890:topic:123") {
		t.Errorf("delivery = %+v", n.Delivery)
	}
	if listed["clawplan:reminder"] != nil {
		t.Error("the deleted reminder is still listed")
	}
	for _, k := range []string{"heartbeat:main", "othertool:job", "(by-hand)"} {
		if listed[k] == nil {
			t.Errorf("openclaw cron list lacks %s", k)
		}
	}
	if after := foreignJobs(t, h); !equalMaps(foreign, after) {
		t.Errorf("jobs clawplan does not own changed:\nbefore %v\nafter  %v", foreign, after)
	}

	// Rollback of the edit: the old job comes back through the upsert.
	if err := news.Restore(context.Background(), restest.Fresh(h), newsSnap); err != nil {
		t.Fatal(err)
	}
	noChange(t, h, news)

	restest.Lifecycle(t, h, decode(t, `cron "poke" {
  every        = "2h"
  session      = "isolated"
  message      = "Check the inbox."
}`))
}

func decode(t *testing.T, src string) resources.Resource {
	return restest.MustDecode(t, Kind{}, src, nil)
}

// applyPlan plans r on a fresh run, wants action, and applies.
func applyPlan(t *testing.T, h *resources.Host, r resources.Resource, want resources.Action) resources.Change {
	t.Helper()
	h = restest.Fresh(h)
	_, ch := restest.Plan(t, h, r)
	if ch.Action != want {
		t.Fatalf("%s: plan %s, want %s: %+v %v", r.Addr(), ch.Action, want, ch.Attrs, ch.Notes)
	}
	if err := r.Apply(context.Background(), h, ch); err != nil {
		t.Fatalf("apply %s: %v", r.Addr(), err)
	}
	return ch
}

func noChange(t *testing.T, h *resources.Host, r resources.Resource) {
	t.Helper()
	if _, ch := restest.Plan(t, restest.Fresh(h), r); ch.Action != resources.NoOp {
		t.Fatalf("%s: second plan %s: %+v", r.Addr(), ch.Action, ch.Attrs)
	}
}

func mustOwnership(t *testing.T, r resources.Resource) json.RawMessage {
	t.Helper()
	rec, err := r.(resources.Owner).Ownership()
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// foreignJobs reads, straight from OpenClaw's database, every job that
// clawplan does not own: declaration key (or name) -> job_json.
func foreignJobs(t *testing.T, h *resources.Host) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(h.Root, dbPath("/home/openclaw"))+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT coalesce(declaration_key, '(' || name || ')'), job_json FROM cron_jobs
		WHERE declaration_key IS NULL OR substr(declaration_key, 1, 9) != 'clawplan:'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, j string
		if err := rows.Scan(&k, &j); err != nil {
			t.Fatal(err)
		}
		out[k] = j
	}
	return out
}

// listJobs is `openclaw cron list --json --all`, keyed like foreignJobs.
func listJobs(t *testing.T, c *cli) map[string]*storedJob {
	t.Helper()
	var res struct {
		Jobs []json.RawMessage `json:"jobs"`
	}
	if err := json.Unmarshal(runCLI(t, c, "cron", "list", "--all"), &res); err != nil {
		t.Fatal(err)
	}
	out := map[string]*storedJob{}
	for _, raw := range res.Jobs {
		j, err := parseJob(raw)
		if err != nil {
			t.Fatal(err)
		}
		k := j.DeclarationKey
		if k == "" {
			k = "(" + j.Name + ")"
		}
		out[k] = j
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
