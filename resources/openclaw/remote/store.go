package remote

import (
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path"
	"sort"
	"syscall"

	"github.com/clawplan/clawplan/resources"
	_ "modernc.org/sqlite" // the pure-Go driver: the binary stays static
)

// device is one row of device_pairing_paired, without any token value.
type device struct {
	ID, DisplayName, Label string
	// Approved is the approval baseline rotation must stay within.
	Approved []string
	// Tokens are the scopes of each role's token (tokens_json).
	Tokens map[string][]string
}

// dbPath is OpenClaw's state database under a home directory.
func dbPath(home string) string { return path.Join(home, ".openclaw/state/openclaw.sqlite") }

// readDevices reads the paired devices of the database at host path p,
// read-only; a missing database is no devices (the gateway never ran).
func readDevices(h *resources.Host, p string) ([]device, bool, error) {
	full, err := h.Path(p)
	if err != nil {
		return nil, false, err
	}
	fi, err := os.Stat(full)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	_, werr := os.Lstat(full + "-wal")
	_, serr := os.Lstat(full + "-shm")
	defer fixOwner(full+"-shm", serr == nil, fi)
	defer fixOwner(full+"-wal", werr == nil, fi)
	devs, err := queryDevices(full, werr == nil)
	return devs, true, err
}

// queryDevices opens the database read-only, immutable when it has no
// write-ahead log (no lock, no sidecar files), as resources/cron does.
func queryDevices(full string, hasWAL bool) ([]device, error) {
	dsn := "file:" + (&url.URL{Path: full}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(5000)&_pragma=query_only(1)"
	if !hasWAL {
		dsn += "&immutable=1"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT device_id, display_name, operator_label, scopes_json, approved_scopes_json, tokens_json FROM device_pairing_paired ORDER BY device_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []device
	for rows.Next() {
		var id string
		var name, label, scopes, approved, tokens sql.NullString
		if err := rows.Scan(&id, &name, &label, &scopes, &approved, &tokens); err != nil {
			return nil, err
		}
		d := device{ID: id, DisplayName: name.String, Label: label.String, Tokens: tokenScopes(tokens.String)}
		d.Approved = jsonList(approved.String)
		if !approved.Valid {
			d.Approved = jsonList(scopes.String)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// tokenScopes keeps each role token's scopes; the token values are
// never decoded.
func tokenScopes(raw string) map[string][]string {
	var m map[string]struct {
		Scopes []string `json:"scopes"`
	}
	_ = json.Unmarshal([]byte(raw), &m)
	out := map[string][]string{}
	for role, t := range m {
		out[role] = normalize(t.Scopes)
	}
	return out
}

func jsonList(raw string) []string {
	var l []string
	_ = json.Unmarshal([]byte(raw), &l)
	return normalize(l)
}

// normalize applies OpenClaw's implications (admin implies read and
// write, write implies read), dedupes and sorts, as rotation stores them.
func normalize(scopes []string) []string {
	set := map[string]bool{}
	for _, s := range scopes {
		set[s] = true
	}
	if set["operator.admin"] {
		set["operator.read"], set["operator.write"] = true, true
	} else if set["operator.write"] {
		set["operator.read"] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		if s != "" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// fixOwner gives a sidecar the read created the database's owner.
func fixOwner(p string, existed bool, db os.FileInfo) {
	if st, ok := db.Sys().(*syscall.Stat_t); ok && !existed {
		_ = os.Lchown(p, int(st.Uid), int(st.Gid))
	}
}
