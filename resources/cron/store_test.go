package cron

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// cronTable is cron_jobs as OpenClaw 2026.9.6 creates it (from its
// database: `SELECT sql FROM sqlite_master WHERE name = 'cron_jobs'`).
const cronTable = `CREATE TABLE cron_jobs (
  store_key TEXT NOT NULL, job_id TEXT NOT NULL, declaration_key TEXT, owner_agent_id TEXT,
  name TEXT NOT NULL, description TEXT, enabled INTEGER NOT NULL, agent_id TEXT, payload_kind TEXT NOT NULL,
  job_json TEXT NOT NULL, grant_definition_revision TEXT, grant_definition_generation INTEGER,
  grant_definition_updated_at INTEGER, state_json TEXT NOT NULL DEFAULT '{}', runtime_updated_at_ms INTEGER,
  schedule_identity TEXT, sort_order INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL,
  PRIMARY KEY (store_key, job_id)) STRICT`

// storeRows are a system job, a clawplan job, another tool's job and a
// job made by hand.
var storeRows = []struct{ id, key, json string }{
	{"h1", "heartbeat:main", `{"id":"h1","declarationKey":"heartbeat:main","name":"heartbeat-main","enabled":true,"schedule":{"kind":"every","everyMs":1800000},"sessionTarget":"main","wakeMode":"next-heartbeat","payload":{"kind":"heartbeat"}}`},
	{"c1", "clawplan:news", `{"id":"c1","declarationKey":"clawplan:news","name":"news","enabled":true,"schedule":{"kind":"cron","expr":"0 8 * * *","tz":"Europe/Berlin"},"sessionTarget":"isolated","wakeMode":"now","payload":{"kind":"agentTurn","message":"hi","toolsAllow":["*"]},"delivery":{"mode":"none","channel":"last"}}`},
	{"o1", "other:news", `{"id":"o1","declarationKey":"other:news","name":"news","enabled":true,"schedule":{"kind":"cron","expr":"0 9 * * *"},"sessionTarget":"isolated","wakeMode":"now","payload":{"kind":"agentTurn","message":"x"}}`},
	{"m1", "", `{"id":"m1","name":"by hand","enabled":true,"schedule":{"kind":"cron","expr":"0 9 * * *"},"sessionTarget":"isolated","wakeMode":"now","payload":{"kind":"agentTurn","message":"x"}}`},
}

// writeDB creates an OpenClaw-like state database under h's root and
// returns the open writer (the "gateway"), in WAL mode.
func writeDB(t *testing.T, h *resources.Host, home string) *sql.DB {
	t.Helper()
	full := filepath.Join(h.Root, dbPath(home))
	if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+full+"?_pragma=journal_mode(wal)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(cronTable); err != nil {
		t.Fatal(err)
	}
	for i, r := range storeRows {
		var key any = r.key
		if r.key == "" {
			key = nil
		}
		if _, err := db.Exec(`INSERT INTO cron_jobs (store_key, job_id, declaration_key, name, enabled, payload_kind, job_json, sort_order, updated_at)
			VALUES ('s', ?, ?, 'n', 1, 'k', ?, ?, ?)`, r.id, key, r.json, i, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// TestReadJobs reads only clawplan's jobs, while a writer holds the
// database in WAL mode and after it closed, and never leaves files behind.
func TestReadJobs(t *testing.T) {
	h := restest.NewHost(t)
	writer := writeDB(t, h, "/home/openclaw")
	p := dbPath("/home/openclaw")
	full := filepath.Join(h.Root, p)
	js, err := readJobsNow(h, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(js.ByKey) != 1 || js.ByKey["clawplan:news"].Job.ID != "c1" || !js.Exists {
		t.Fatalf("read %+v, want exactly clawplan:news", js.ByKey)
	}
	if err := writer.Close(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(full + s); !os.IsNotExist(err) {
			t.Fatalf("%s should be gone once the writer closed: %v", s, err)
		}
	}
	if js, err = readJobsNow(h, p); err != nil || len(js.ByKey) != 1 {
		t.Fatalf("read without WAL: %v %+v", err, js)
	}
	for _, s := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(full + s); !os.IsNotExist(err) {
			t.Errorf("the read-only read created %s: %v", s, err)
		}
	}
	if js, err := readJobsNow(h, dbPath("/home/nobody")); err != nil || js.Exists || len(js.ByKey) != 0 {
		t.Errorf("a missing database is no jobs, not an error: %v %+v", err, js)
	}
}

// TestPlanFromDB plans against the fabricated database: the block's job
// is found and compared; OpenClaw's and other tools' jobs never appear.
func TestPlanFromDB(t *testing.T) {
	h := restest.NewHost(t)
	writeFile(t, filepath.Join(h.Root, "/etc/passwd"), "openclaw:x:1000:1000::/home/openclaw:/bin/bash\n")
	writeFile(t, filepath.Join(h.Root, "/home/openclaw/.openclaw/openclaw.json"), "{gateway: {port: 1, /* nothing listens */}}")
	writeDB(t, h, "/home/openclaw").Close()
	same := restest.MustDecode(t, Kind{}, `cron "news" {
  cron    = "0  8 * * *"
  tz      = "Europe/Berlin"
  message = "hi"
}`, nil)
	if _, ch := restest.Plan(t, h, same); ch.Action != resources.NoOp {
		t.Errorf("an equal job plans %s: %+v", ch.Action, ch.Attrs)
	}
	changed := restest.MustDecode(t, Kind{}, `cron "news" {
  cron    = "0 8 * * *"
  tz      = "Europe/Berlin"
  message = "hello"
  wake    = "next-heartbeat"
}`, nil)
	_, ch := restest.Plan(t, h, changed)
	if ch.Action != resources.Update || len(ch.Attrs) != 2 || ch.Attrs[0].Path != "message" || ch.Attrs[1].Path != "wake" {
		t.Errorf("changed job: %s %+v", ch.Action, ch.Attrs)
	}
	if len(ch.Notes) != 1 || !strings.Contains(ch.Notes[0], "127.0.0.1:1,") {
		t.Errorf("the gateway on port 1 (from openclaw.json) is down, the plan should say so: %v", ch.Notes)
	}
	fresh := restest.MustDecode(t, Kind{}, `cron "other" {
  every        = "30m"
  system_event = "Check inbox"
}`, nil)
	if _, ch := restest.Plan(t, h, fresh); ch.Action != resources.Create {
		t.Errorf("a new job plans %s", ch.Action)
	}
	defer func(p time.Duration) { applyPatience = p }(applyPatience)
	applyPatience = 100 * time.Millisecond
	if err := fresh.Apply(t.Context(), h, resources.Change{Action: resources.Create}); err == nil || !strings.Contains(err.Error(), "not reachable on 127.0.0.1:1") {
		t.Errorf("apply without a gateway should fail at once and say why: %v", err)
	}
}

func writeFile(t *testing.T, full, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestOldStore: a database without cron_jobs says how to migrate.
func TestOldStore(t *testing.T) {
	h := restest.NewHost(t)
	full := filepath.Join(h.Root, dbPath("/home/openclaw"))
	if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+full)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE meta (k TEXT)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := readJobsNow(h, dbPath("/home/openclaw")); err == nil || !strings.Contains(err.Error(), "openclaw doctor --fix") {
		t.Errorf("want a migration hint, got %v", err)
	}
}
