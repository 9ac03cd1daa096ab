package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/hashicorp/hcl/v2"
)

// tunnelOwnership is what a cloudflare_tunnel owns: the two files it
// writes and the directories its first write created.
type tunnelOwnership struct {
	Unit string   `json:"unit"`
	Env  string   `json:"env"`
	Dirs []string `json:"created_dirs,omitempty"`
}

var (
	_ resources.Owner       = (*tunnel)(nil)
	_ resources.Remembering = (*tunnel)(nil)
	_ resources.Resource    = (*tunnelOrphan)(nil)
)

// Ownership records the unit, the token file and the directories made.
func (t *tunnel) Ownership() (json.RawMessage, error) {
	return json.Marshal(tunnelOwnership{Unit: UnitPath, Env: EnvPath, Dirs: t.made})
}

// Remember keeps the directories an earlier apply created, so the record
// still names them after applies that created none.
func (t *tunnel) Remember(record json.RawMessage) {
	var rec tunnelOwnership
	if json.Unmarshal(record, &rec) == nil {
		t.made = union(t.made, rec.Dirs)
	}
}

// missingDirs are the host directories above paths that do not exist yet,
// the ones a write will create.
func missingDirs(h *resources.Host, paths ...string) []string {
	var out []string
	for _, p := range paths {
		for dir := path.Dir(p); dir != "/"; dir = path.Dir(dir) {
			full, err := h.Path(dir)
			if _, serr := os.Lstat(full); err != nil || serr == nil {
				break
			}
			out = append(out, dir)
		}
	}
	return union(nil, out)
}

// union is a and b without duplicates, deepest directory first (the order
// to remove them in).
func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range append(append([]string{}, a...), b...) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	sortDeepestFirst(out)
	return out
}

func sortDeepestFirst(dirs []string) {
	for i := 1; i < len(dirs); i++ {
		for j := i; j > 0 && (strings.Count(dirs[j], "/") > strings.Count(dirs[j-1], "/") ||
			strings.Count(dirs[j], "/") == strings.Count(dirs[j-1], "/") && dirs[j] < dirs[j-1]); j-- {
			dirs[j], dirs[j-1] = dirs[j-1], dirs[j]
		}
	}
}

// tunnelOrphan deletes what a removed cloudflare_tunnel wrote: it stops
// and disables the unit, deletes it and the token file. A file at those
// paths that clawplan did not write (no marker, other content) stays.
type tunnelOrphan struct {
	addr resources.Addr
	rec  tunnelOwnership
}

func (o *tunnelOrphan) Addr() resources.Addr      { return o.addr }
func (o *tunnelOrphan) Validate() hcl.Diagnostics { return nil }

// unitName is the systemd name of the recorded unit.
func (o *tunnelOrphan) unitName() string { return path.Base(o.rec.Unit) }

// wantsPath is the link `systemctl enable` made for the unit.
func (o *tunnelOrphan) wantsPath() string {
	return "/etc/systemd/system/multi-user.target.wants/" + o.unitName()
}

// orphanState is what Probe found and Diff decided on.
type orphanState struct {
	Unit, Env       hostfs.File
	OurUnit, OurEnv bool
	Link            string // the wants link's target; "" when absent
}

// envLine is the whole content of a token file clawplan writes.
var envLine = regexp.MustCompile(`^TUNNEL_TOKEN=[^\n]*\n?$`)

// Probe reads both files and the wants link; the token only fingerprinted.
func (o *tunnelOrphan) Probe(_ context.Context, h *resources.Host) (resources.State, error) {
	var st orphanState
	var err error
	if st.Unit, err = h.ReadFile(o.rec.Unit); err != nil {
		return resources.State{}, err
	}
	if st.Env, err = h.ReadFile(o.rec.Env); err != nil {
		return resources.State{}, err
	}
	if st.Env.Exists {
		h.Secrets.Add(strings.TrimSpace(strings.TrimPrefix(string(st.Env.Content), "TUNNEL_TOKEN=")))
	}
	st.OurUnit = st.Unit.Exists && strings.HasPrefix(string(st.Unit.Content), fmt.Sprintf("# Managed by clawplan (%s)", o.addr))
	st.OurEnv = st.Env.Exists && envLine.Match(st.Env.Content)
	if full, err := linkPath(h, o.wantsPath()); err == nil {
		st.Link, _ = os.Readlink(full)
	}
	fp := h.Fingerprint([]byte(h.FileFingerprint(st.Unit)), []byte(h.FileFingerprint(st.Env)), []byte(st.Link))
	return resources.State{Exists: st.Unit.Exists || st.Env.Exists, Fingerprint: fp, Private: st}, nil
}

// linkPath resolves a path whose final component may be a symlink: its
// directory through the root-safe resolver, then the name.
func linkPath(h *resources.Host, p string) (string, error) {
	dir, err := h.Path(path.Dir(p))
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, path.Base(p)), nil
}

// Diff deletes the unit (shown as a file diff), the token file (shown
// only as set -> removed) and the enablement; foreign files stay.
func (o *tunnelOrphan) Diff(cur resources.State) (resources.Change, error) {
	st, _ := cur.Private.(orphanState)
	c := resources.Change{Addr: o.addr, Action: resources.Delete, Private: st}
	if st.OurUnit {
		c.Files = append(c.Files, resources.FileDiff{Path: o.rec.Unit, Before: string(st.Unit.Content)})
		if st.Link != "" {
			c.Attrs = append(c.Attrs, resources.AttrChange{Path: "enabled (" + o.unitName() + ")", Before: true, After: false})
		}
	} else if st.Unit.Exists {
		c.Notes = append(c.Notes, fmt.Sprintf("%s has no clawplan marker for %s (written by hand since): left in place", o.rec.Unit, o.addr))
	}
	if st.OurEnv {
		c.Attrs = append(c.Attrs, resources.AttrChange{Path: "token (" + o.rec.Env + ")", Sensitive: true, Before: "(set)", After: nil})
	} else if st.Env.Exists {
		c.Notes = append(c.Notes, fmt.Sprintf("%s holds more than the token line clawplan wrote: left in place", o.rec.Env))
	}
	if !st.OurUnit && !st.OurEnv {
		c.Notes = append(c.Notes, fmt.Sprintf("Nothing %s wrote is left on the host; clawplan stops tracking it.", o.addr))
	}
	c.Notes = append(c.Notes, "SECURITY: the tunnel and its token still exist at Cloudflare: delete the tunnel in the Zero Trust dashboard (Networks > Tunnels) to revoke the token; cloudflared stays installed")
	return c, nil
}

// orphanSnapshot is both files, the wants link and whether the unit ran.
type orphanSnapshot struct {
	Unit, Env hostfs.File
	LinkPath  string
	Link      string
	Active    bool
}

// Snapshot keeps what Apply deletes, as a new process can restore it.
func (o *tunnelOrphan) Snapshot(ctx context.Context, h *resources.Host) (resources.Snapshot, error) {
	var s orphanSnapshot
	for p, f := range map[string]*hostfs.File{o.rec.Unit: &s.Unit, o.rec.Env: &s.Env} {
		full, err := h.Path(p)
		if err != nil {
			return resources.Snapshot{}, err
		}
		if *f, err = hostfs.Snapshot(full); err != nil {
			return resources.Snapshot{}, err
		}
	}
	var err error
	if s.LinkPath, err = linkPath(h, o.wantsPath()); err != nil {
		return resources.Snapshot{}, err
	}
	s.Link, _ = os.Readlink(s.LinkPath)
	s.Active = active(ctx, h, o.unitName())
	raw, err := json.Marshal(s)
	return resources.Snapshot{Addr: o.addr, Data: raw}, err
}

// onHost reports whether h is this machine with systemctl to call.
func onHost(h *resources.Host) bool {
	_, err := exec.LookPath("systemctl")
	return h.Root == "/" && err == nil
}

// active reports whether systemd on this machine runs unit.
func active(ctx context.Context, h *resources.Host, unit string) bool {
	return onHost(h) && exec.CommandContext(ctx, "systemctl", "is-active", "--quiet", unit).Run() == nil
}
