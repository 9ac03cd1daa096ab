package cron

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/schema"
	_ "modernc.org/sqlite" // the pure-Go driver: the binary stays static
)

// dbPath is OpenClaw's state database under a home directory.
func dbPath(home string) string { return path.Join(home, ".openclaw/state/openclaw.sqlite") }

// jobs are the clawplan-owned jobs of one database, by declaration key.
type jobs struct {
	// Exists is false when OpenClaw has no database yet (the gateway
	// never ran): every job is still to be created.
	Exists bool
	ByKey  map[string]storedRow
}

// storedRow is one job as the table holds it.
type storedRow struct {
	Raw []byte
	Job *storedJob
}

// readJobs reads the clawplan-owned jobs of the database at host path p,
// once per run (Host.Memo): every cron block of a plan shares one read.
func readJobs(h *resources.Host, p string) (jobs, error) {
	v, err := h.Memo(memoKey(p), func() (any, error) { return readJobsNow(h, p) })
	if err != nil {
		return jobs{}, err
	}
	return v.(jobs), nil
}

func memoKey(p string) string { return "cron.jobs:" + p }

// readJobsNow reads the table, bypassing the memo (apply and restore need
// the job as it is now).
func readJobsNow(h *resources.Host, p string) (jobs, error) {
	full, err := h.Path(p)
	if err != nil {
		return jobs{}, err
	}
	fi, err := os.Stat(full)
	if errors.Is(err, os.ErrNotExist) {
		return jobs{ByKey: map[string]storedRow{}}, nil
	}
	if err != nil {
		return jobs{}, err
	}
	sidecars := presentSidecars(full)
	defer fixSidecarOwners(full, sidecars, fi)
	out, err := queryJobs(full, sidecars["-wal"])
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return jobs{}, fmt.Errorf("%s has no cron_jobs table: this OpenClaw predates the SQLite job store (run `openclaw doctor --fix` as the service user to migrate ~/.openclaw/cron/jobs.json) or is not %s", p, schema.OpenClawVersion)
	}
	if err != nil {
		return jobs{}, fmt.Errorf("reading OpenClaw's cron jobs from %s: %w", p, err)
	}
	return out, nil
}

// queryJobs opens the database read-only and selects the owned rows. A
// database with no write-ahead log is opened immutable: no lock, no -shm
// file (a read-only open would otherwise create -wal and -shm files owned
// by clawplan's user in the gateway user's state directory).
func queryJobs(full string, hasWAL bool) (jobs, error) {
	dsn := "file:" + (&url.URL{Path: full}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(5000)&_pragma=query_only(1)"
	if !hasWAL {
		dsn += "&immutable=1"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return jobs{}, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT declaration_key, job_json FROM cron_jobs WHERE substr(declaration_key, 1, ?) = ?`, len(KeyPrefix), KeyPrefix)
	if err != nil {
		return jobs{}, err
	}
	defer rows.Close()
	out := jobs{Exists: true, ByKey: map[string]storedRow{}}
	for rows.Next() {
		var key string
		var raw []byte
		if err := rows.Scan(&key, &raw); err != nil {
			return jobs{}, err
		}
		j, err := parseJob(raw)
		if err != nil {
			return jobs{}, fmt.Errorf("%s: %w", key, err)
		}
		out.ByKey[key] = storedRow{Raw: raw, Job: j}
	}
	return out, rows.Err()
}

// presentSidecars says which of SQLite's -wal and -shm files exist.
func presentSidecars(full string) map[string]bool {
	out := map[string]bool{}
	for _, s := range []string{"-wal", "-shm"} {
		_, err := os.Lstat(full + s)
		out[s] = err == nil
	}
	return out
}

// fixSidecarOwners gives a -wal or -shm file the read created (SQLite
// makes -shm when a WAL database's log exists but its index does not) the
// database's owner, so the gateway, running as its own user, can use it.
func fixSidecarOwners(full string, before map[string]bool, db os.FileInfo) {
	st, ok := db.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	for s, existed := range before {
		if !existed {
			_ = os.Lchown(full+s, int(st.Uid), int(st.Gid)) // absent: nothing was created
		}
	}
}
