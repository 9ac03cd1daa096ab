package cron

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/restest"
)

// importRows are clawplan's jobs of every shape, beside the store's
// system, foreign and hand-made jobs (storeRows).
var importRows = []struct{ id, key, json string }{
	{"c2", "clawplan:brief", `{"id":"c2","declarationKey":"clawplan:brief","name":"brief","displayName":"Morning brief","agentId":"main","enabled":true,"deleteAfterRun":false,"schedule":{"kind":"cron","expr":"0  7 * * 1-5","tz":"Europe/Berlin"},"sessionTarget":"isolated","wakeMode":"next-heartbeat","payload":{"kind":"agentTurn","message":"Summarize the news.\nFive items."},"delivery":{"mode":"announce","channel":"telegram","to":"-1001234567890:topic:42"}}`},
	{"c3", "clawplan:poll", `{"id":"c3","declarationKey":"clawplan:poll","name":"poll","enabled":false,"schedule":{"kind":"every","everyMs":1800000,"anchorMs":1},"sessionTarget":"main","wakeMode":"now","payload":{"kind":"systemEvent","text":"check the queue"}}`},
	{"c4", "clawplan:once", `{"id":"c4","declarationKey":"clawplan:once","name":"once","enabled":true,"deleteAfterRun":true,"schedule":{"kind":"at","at":"2099-01-02T03:04:05.000Z"},"sessionTarget":"isolated","wakeMode":"now","payload":{"kind":"agentTurn","message":"remind me"},"delivery":{"mode":"none"}}`},
	{"c5", "clawplan:renamed", `{"id":"c5","declarationKey":"clawplan:renamed","name":"renamed by hand","enabled":true,"schedule":{"kind":"cron","expr":"0 9 * * *"},"sessionTarget":"isolated","wakeMode":"now","payload":{"kind":"agentTurn","message":"x"}}`},
}

// importDB is the store's fixture (writeDB) plus importRows.
func importDB(t *testing.T, h *resources.Host) {
	t.Helper()
	db := writeDB(t, h, "/home/openclaw")
	defer db.Close()
	for i, r := range importRows {
		if _, err := db.Exec(`INSERT INTO cron_jobs (store_key, job_id, declaration_key, name, enabled, payload_kind, job_json, sort_order, updated_at)
			VALUES ('s', ?, ?, 'n', 1, 'k', ?, ?, ?)`, r.id, r.key, r.json, 10+i, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestImportOwnedJobs imports clawplan's jobs as cron blocks that plan as
// no-ops, lists the jobs clawplan does not own in a comment only, and
// says what a plan would change about a job renamed by hand.
func TestImportOwnedJobs(t *testing.T) {
	h := restest.NewHost(t)
	importDB(t, h)
	blocks, err := Kind{}.Import(context.Background(), restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range blocks {
		names = append(names, b.Name)
	}
	if strings.Join(names, " ") != "brief news once poll renamed" {
		t.Fatalf("imported %v, want clawplan's five jobs", names)
	}
	for _, want := range []string{"heartbeat:main: n", "other:news: n", "(no key, made by hand): n", "would make clawplan\n# its owner"} {
		if c := blocks[0].Comment; !strings.Contains(strings.ReplaceAll(c, "\n", "\n# "), want) {
			t.Errorf("the first block's comment does not list %q:\n%s", want, c)
		}
	}
	for _, b := range blocks {
		src := string(importkit.Render("cron", b))
		r := restest.MustDecode(t, Kind{}, src, nil)
		_, ch := restest.Plan(t, restest.Fresh(h), r)
		switch {
		case b.Name == "renamed":
			if ch.Action != resources.Update || len(ch.Attrs) != 1 || ch.Attrs[0].Path != "name" || !strings.Contains(b.Comment, "A plan changes name from renamed by hand to renamed.") {
				t.Errorf("renamed: %s %+v, comment %q", ch.Action, ch.Attrs, b.Comment)
			}
		case ch.Action != resources.NoOp:
			t.Errorf("%s plans %s %+v:\n%s", b.Name, ch.Action, ch.Attrs, src)
		}
	}
	brief := string(importkit.Render("cron", blocks[0]))
	for _, want := range []string{`cron         = "0  7 * * 1-5"`, `tz           = "Europe/Berlin"`, `wake         = "next-heartbeat"`, `"Summarize the news.\nFive items."`, `to      = "-1001234567890:topic:42"`, `agent        = "main"`} {
		if !strings.Contains(brief, want) {
			t.Errorf("brief lacks %s:\n%s", want, brief)
		}
	}
}

// TestImportNoDatabase: a host whose gateway never ran has no jobs.
func TestImportNoDatabase(t *testing.T) {
	h := restest.NewHost(t)
	blocks, err := Kind{}.Import(context.Background(), h)
	if err != nil || len(blocks) != 0 {
		t.Fatalf("import: %v %v", blocks, err)
	}
	full := filepath.Join(h.Root, dbPath("/home/openclaw"))
	if _, err := os.Stat(full); !os.IsNotExist(err) {
		t.Fatalf("import created %s: %v", full, err)
	}

}

// TestImportRealGateway: jobs clawplan applied through a real gateway
// (the seed's two, as the end-to-end test declares them) import as blocks
// that plan as no-ops against OpenClaw's own database; OpenClaw's system
// jobs are listed, not imported.
func TestImportRealGateway(t *testing.T) {
	h := gatewayHost(t)
	news := decode(t, strings.Replace(newsBlock, `cron "news"`, `cron "import_news"`, 1))
	reminder := decode(t, strings.Replace(reminderBlock, `cron "reminder"`, `cron "import_reminder"`, 1))
	for _, r := range []resources.Resource{news, reminder} {
		applyPlan(t, h, r, resources.Create)
		t.Cleanup(func() {
			if o, err := (Kind{}).Orphan(r.Addr(), mustOwnership(t, r)); err == nil {
				_, ch := restest.Plan(t, restest.Fresh(h), o)
				o.Apply(context.Background(), restest.Fresh(h), ch)
			}
		})
	}
	blocks, err := Kind{}.Import(context.Background(), restest.Fresh(h))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, b := range blocks {
		seen[b.Name] = true
		r := restest.MustDecode(t, Kind{}, string(importkit.Render("cron", b)), nil)
		if _, ch := restest.Plan(t, restest.Fresh(h), r); ch.Action != resources.NoOp {
			t.Errorf("cron.%s plans %s %+v:\n%s", b.Name, ch.Action, ch.Attrs, importkit.Render("cron", b))
		}
	}
	if !seen["import_news"] || !seen["import_reminder"] || len(blocks) == 0 || !strings.Contains(blocks[0].Comment, "heartbeat:main") {
		t.Fatalf("imported %v, comment %q: want both jobs, OpenClaw's heartbeat listed", keys(seen), blocks[0].Comment)
	}
}
