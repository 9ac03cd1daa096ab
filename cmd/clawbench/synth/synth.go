// Package synth makes synthetic clawplan manifests of any size, and the
// host they describe, for benchmarks and the plan-time regression guard:
// a third secrets, a third agents, a third cron jobs, plus one LLM provider
// and one Telegram channel, with references between them (each cron job
// names an agent and announces to the channel; the channel's token is a
// secret).
package synth

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite"
)

// Manifest returns the HCL of a manifest with about n resources.
func Manifest(n int) string {
	third := max(1, n/3)
	var b strings.Builder
	b.WriteString(`llm_provider "local" {
  base_url = "http://127.0.0.1:9/v1"
  api      = "openai-completions"
  models   = [{ id = "bench-70b", name = "Bench 70B" }]
}
channel "telegram" {
  dm_policy  = "allowlist"
  allow_from = ["123456789"]
  token      = secret.s0
}
`)
	for i := 0; i < third; i++ {
		fmt.Fprintf(&b, "secret \"s%d\" {\n  source { env = \"CLAWBENCH_SECRET\" }\n  deliver { file = true }\n}\n", i)
		fmt.Fprintf(&b, "agent \"a%d\" {\n  model = \"local/bench-70b\"\n  profile = \"untrusted-reader\"\n}\n", i)
		fmt.Fprintf(&b, "cron \"c%d\" {\n  cron = \"%d %d * * *\"\n  tz = \"UTC\"\n  session = \"isolated\"\n  message = \"report %d\"\n  agent = agent.a%d\n  announce {\n    channel = channel.telegram\n    to = \"123456789\"\n  }\n}\n", i, i%60, i%24, i, i)
	}
	return b.String()
}

// Host prepares root as a host for the manifest: the openclaw user, and
// OpenClaw's state database holding every cron job as the gateway would
// (only the two columns clawplan reads; the rest of OpenClaw's schema is
// irrelevant to a plan). Secrets and openclaw.json are left to a real
// `clawplan apply`.
func Host(root string, n int) error {
	etc := filepath.Join(root, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		return err
	}
	os.WriteFile(filepath.Join(etc, "passwd"), []byte("root:x:0:0:root:/root:/bin/bash\nopenclaw:x:1000:1000::/home/openclaw:/bin/bash\n"), 0o644)
	os.WriteFile(filepath.Join(etc, "group"), []byte("root:x:0:\nopenclaw:x:1000:\n"), 0o644)
	state := filepath.Join(root, "home/openclaw/.openclaw/state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", filepath.Join(state, "openclaw.sqlite"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE cron_jobs (declaration_key TEXT, job_json TEXT)`); err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	for i := 0; i < max(1, n/3); i++ {
		if _, err := tx.Exec(`INSERT INTO cron_jobs VALUES (?, ?)`, fmt.Sprintf("clawplan:c%d", i), job(i)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// job is cron job i as OpenClaw stores it (openclaw.md, "Job JSON").
func job(i int) string {
	b, _ := json.Marshal(map[string]any{
		"id": fmt.Sprintf("00000000-0000-0000-0000-%012d", i), "declarationKey": fmt.Sprintf("clawplan:c%d", i),
		"name": fmt.Sprintf("c%d", i), "agentId": fmt.Sprintf("a%d", i), "enabled": true, "deleteAfterRun": false,
		"schedule":      map[string]any{"kind": "cron", "expr": fmt.Sprintf("%d %d * * *", i%60, i%24), "tz": "UTC"},
		"sessionTarget": "isolated", "wakeMode": "now",
		"payload":  map[string]any{"kind": "agentTurn", "message": fmt.Sprintf("report %d", i)},
		"delivery": map[string]any{"mode": "announce", "channel": "telegram", "to": "123456789"},
	})
	return string(b)
}

// ReadJobs reads every row of the cron table under root: the raw cost of
// what a plan's cron probe reads.
func ReadJobs(root string) error {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(root, "home/openclaw/.openclaw/state/openclaw.sqlite")+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT declaration_key, job_json FROM cron_jobs`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, j string
		if err := rows.Scan(&k, &j); err != nil {
			return err
		}
	}
	return rows.Err()
}
