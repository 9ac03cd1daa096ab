package cron

import (
	"strings"
	"testing"
	"time"
)

// stored is a job JSON as `cron add` printed it in the reference runs.
const stored = `{"id":"60ff77a3","declarationKey":"clawplan:news","name":"news","enabled":true,"createdAtMs":1795551326305,
 "schedule":{"kind":"cron","expr":"0 8 * * *","tz":"Europe/Berlin"},"sessionTarget":"isolated","wakeMode":"now",
 "payload":{"kind":"agentTurn","message":"Summarize.","toolsAllow":["*"]},
 "delivery":{"mode":"announce","channel":"telegram","to":"-1001234567890:topic:123"},
 "scheduledToolPolicy":{"version":1,"mode":"trusted"},"state":{"nextRunAtMs":1795590000000}}`

func mustJob(t *testing.T, raw string) *storedJob {
	t.Helper()
	j, err := parseJob([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func paths(fs []field) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return strings.Join(out, " ")
}

func TestCompare(t *testing.T) {
	j := mustJob(t, stored)
	want := Spec{Name: "news", Session: "isolated", Wake: "now", Message: "Summarize.", Enabled: true,
		Schedule: Schedule{Cron: "0  8 * *  *", TZ: "Europe/Berlin"}, Announce: &Announce{Channel: "telegram", To: "-1001234567890:topic:123"}}
	now := time.Now()
	if fs := compare(want, j, now); len(fs) != 0 {
		t.Errorf("equal job differs in %s", paths(fs))
	}
	w := want
	w.Announce, w.Wake, w.Session, w.SystemEvent, w.Message = nil, "next-heartbeat", "main", "Ping", ""
	fs := compare(w, j, now)
	if got := paths(fs); got != "session system_event announce wake" {
		t.Errorf("fields = %s", got)
	}
	if !hasHow(fs, replace) || !hasHow(fs, upsert) || !hasHow(fs, edit) {
		t.Errorf("hows of %+v", fs)
	}
	// A one-shot compares as an instant; a relative one matches any time.
	at := mustJob(t, `{"id":"a","name":"r","enabled":true,"deleteAfterRun":true,"schedule":{"kind":"at","at":"2030-01-02T08:00:00.000Z"},
	 "sessionTarget":"main","wakeMode":"now","payload":{"kind":"systemEvent","text":"x"}}`)
	s := Spec{Name: "r", Session: "main", Wake: "now", SystemEvent: "x", DeleteAfterRun: true, Enabled: true,
		Schedule: Schedule{At: "2030-01-02T09:00", TZ: "Europe/Berlin"}}
	if fs := compare(s, at, now); len(fs) != 0 {
		t.Errorf("the same instant in another zone differs in %s", paths(fs))
	}
	s.Schedule = Schedule{At: "20m"}
	if fs := compare(s, at, now); len(fs) != 0 {
		t.Errorf("a relative one-shot should match: %s", paths(fs))
	}
	s.Schedule = Schedule{At: "2030-01-02T10:00:00+01:00"}
	if got := paths(compare(s, at, now)); got != "schedule" {
		t.Errorf("an hour later should differ in schedule only: %s", got)
	}
}

// TestSpecFromJob: a stored job turns back into the same Spec, so a
// restore re-adds exactly what was there.
func TestSpecFromJob(t *testing.T) {
	j := mustJob(t, stored)
	s, err := specFromJob(j)
	if err != nil {
		t.Fatal(err)
	}
	if fs := compare(s, j, time.Now()); len(fs) != 0 {
		t.Errorf("round trip differs in %s", paths(fs))
	}
	if _, err := specFromJob(mustJob(t, `{"id":"h","schedule":{"kind":"every","everyMs":1800000},"payload":{"kind":"heartbeat"}}`)); err == nil {
		t.Error("a heartbeat job cannot be recreated by clawplan and must say so")
	}
	if got := durationFlag(90 * time.Minute); got != "90m" {
		t.Errorf("durationFlag = %s", got)
	}
}
