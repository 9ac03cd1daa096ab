package cron

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

var _ resources.Importer = Kind{}

// Import writes a cron block for every job clawplan owns (declaration key
// clawplan:LABEL) in the service users' databases. Jobs it does not own,
// OpenClaw's own and those made by hand or by other tools, are listed in
// a comment only: importing one would make clawplan its owner, which the
// job's key (or its lack of one) says it is not.
func (Kind) Import(_ context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	users, err := importUsers(h)
	if err != nil {
		return nil, err
	}
	var out []resources.ImportedBlock
	for _, u := range users {
		blocks, err := importUser(h, u)
		if err != nil {
			return nil, err
		}
		out = append(out, blocks...)
	}
	return out, nil
}

// importUsers are the default service user and every user clawplan's
// records keep cron jobs for.
func importUsers(h *resources.Host) ([]string, error) {
	names, recs, err := importkit.OwnedOfKind(h, "cron")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{defaultUser: true}
	for _, n := range names {
		var rec ownership
		if json.Unmarshal(recs[n], &rec) == nil && rec.User != "" {
			seen[rec.User] = true
		}
	}
	out := make([]string, 0, len(seen))
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out, nil
}

func importUser(h *resources.Host, user string) ([]resources.ImportedBlock, error) {
	acct, err := account.Lookup(h, user)
	if err != nil {
		return nil, err
	}
	p := dbPath(acct.Home)
	js, err := readJobsNow(h, p)
	if err != nil || !js.Exists {
		return nil, err
	}
	foreign, err := unownedJobs(h, p)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(js.ByKey))
	for k := range js.ByKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []resources.ImportedBlock
	for _, k := range keys {
		b, err := importJob(k, user, js.ByKey[k].Job)
		if err != nil {
			foreign = append(foreign, fmt.Sprintf("%s (%v)", k, err))
			continue
		}
		out = append(out, b)
	}
	if len(foreign) > 0 && len(out) > 0 {
		out[0].Comment = strings.TrimPrefix(out[0].Comment+"\n"+foreignComment(p, foreign), "\n")
	} else if len(foreign) > 0 {
		h.Log.Info("cron jobs clawplan does not own are not imported", "database", p, "jobs", strings.Join(foreign, "; "))
	}
	return out, nil
}

func foreignComment(db string, jobs []string) string {
	return fmt.Sprintf("%s also holds jobs clawplan does not own, not imported: importing one would make clawplan\n"+
		"its owner (and a plan would re-create it under a clawplan: key). They stay as they are:\n  %s", db, strings.Join(jobs, "\n  "))
}

// importJob is the block of one stored job; its comment says what a plan
// would still change (a job whose name is not its label).
func importJob(key, user string, j *storedJob) (resources.ImportedBlock, error) {
	s, err := specFromJob(j)
	if err != nil {
		return resources.ImportedBlock{}, err
	}
	label := strings.TrimPrefix(key, KeyPrefix)
	b := resources.ImportedBlock{Name: label, Write: func(body *hclwrite.Body) { writeSpec(body, s, j, user) }}
	r, diags := importkit.Decode(Kind{}, b, nil)
	if diags.HasErrors() {
		b.Comment = "clawplan refuses this job as imported: " + diags.Error()
		return b, nil
	}
	var notes []string
	for _, f := range compare(r.(*Job).spec, j, time.Now()) {
		notes = append(notes, fmt.Sprintf("A plan changes %s from %v to %v.", f.Path, f.Before, f.After))
	}
	b.Comment = strings.Join(notes, "\n")
	return b, nil
}

// writeSpec writes a job's declared fields, defaults left out.
func writeSpec(body *hclwrite.Body, s Spec, j *storedJob, user string) {
	set := func(name, v string) {
		if v != "" {
			body.SetAttributeValue(name, cty.StringVal(v))
		}
	}
	if user != defaultUser {
		set("user", user)
	}
	set("display_name", s.DisplayName)
	switch j.Schedule.Kind {
	case "cron":
		set("cron", s.Schedule.Cron)
		set("tz", s.Schedule.TZ)
	case "at":
		set("at", s.Schedule.At)
	case "every":
		set("every", durationFlag(s.Schedule.Every))
	}
	set("session", s.Session)
	if s.Wake != "now" {
		set("wake", s.Wake)
	}
	set("message", s.Message)
	set("system_event", s.SystemEvent)
	if s.DeleteAfterRun {
		body.SetAttributeValue("delete_after_run", cty.True)
	}
	set("agent", s.Agent)
	if !s.Enabled {
		body.SetAttributeValue("enabled", cty.False)
	}
	if a := s.Announce; a != nil {
		ab := body.AppendNewBlock("announce", nil).Body()
		ab.SetAttributeValue("channel", cty.StringVal(a.Channel))
		if a.To != "" {
			ab.SetAttributeValue("to", cty.StringVal(a.To))
		}
	}
}

// unownedJobs lists the jobs of the database at host path p that clawplan
// does not own, as "KEY: NAME" ("(no key)" for jobs made by hand).
func unownedJobs(h *resources.Host, p string) ([]string, error) {
	full, err := h.Path(p)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(full)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	sidecars := presentSidecars(full)
	defer fixSidecarOwners(full, sidecars, fi)
	dsn := "file:" + (&url.URL{Path: full}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(5000)&_pragma=query_only(1)"
	if !sidecars["-wal"] {
		dsn += "&immutable=1"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT coalesce(declaration_key, ''), name FROM cron_jobs WHERE declaration_key IS NULL OR substr(declaration_key, 1, ?) != ? ORDER BY sort_order, name`, len(KeyPrefix), KeyPrefix)
	if err != nil {
		return nil, fmt.Errorf("reading OpenClaw's cron jobs from %s: %w", p, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var key, name string
		if err := rows.Scan(&key, &name); err != nil {
			return nil, err
		}
		if key == "" {
			key = "(no key, made by hand)"
		}
		out = append(out, key+": "+name)
	}
	return out, rows.Err()
}
