package vm

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
)

// lingerDir holds one empty file per user whose systemd user manager runs
// without a login (what `loginctl enable-linger` creates).
const lingerDir = "/var/lib/systemd/linger/"

// userSpec is one account the block wants.
type userSpec struct {
	Name   string   `json:"name"`
	Home   string   `json:"home"`
	Shell  string   `json:"shell"`
	Groups []string `json:"groups"`
}

// userState is what the host has of one wanted account.
type userState struct {
	Exists bool
	UID    int
	GID    int
	Home   string
	Shell  string
	// Member are the wanted groups it belongs to; Absent the wanted groups
	// that do not exist at all.
	Member, Absent []string
	HomeExists     bool
	HomeMode       os.FileMode
}

// probeUser reads one account, its groups and its home under the root.
func probeUser(h *resources.Host, want userSpec) (userState, error) {
	u, err := account.Lookup(h, want.Name)
	if err != nil {
		return userState{}, err
	}
	st := userState{Exists: u.Exists, UID: u.UID, GID: u.GID, Home: u.Home}
	if st.Shell, err = loginShell(h, want.Name); err != nil {
		return st, err
	}
	for _, g := range want.Groups {
		members, exists, err := account.GroupMembers(h, g)
		if err != nil {
			return st, err
		}
		switch {
		case !exists:
			st.Absent = append(st.Absent, g)
		case contains(members, want.Name):
			st.Member = append(st.Member, g)
		}
	}
	home := want.Home
	if u.Exists {
		home = u.Home
	}
	if full, err := h.Path(home); err == nil {
		if fi, err := os.Stat(full); err == nil && fi.IsDir() {
			st.HomeExists, st.HomeMode = true, fi.Mode().Perm()
		}
	}
	return st, nil
}

// loginShell is the shell /etc/passwd gives name, "" when there is none.
func loginShell(h *resources.Host, name string) (string, error) {
	f, err := h.ReadFile("/etc/passwd")
	if err != nil || !f.Exists {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(f.Content))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= 7 && fields[0] == name {
			return fields[6], nil
		}
	}
	return "", sc.Err()
}

// missingGroups are the wanted groups the user is not a member of yet.
func (st userState) missingGroups(want userSpec) []string {
	var out []string
	for _, g := range want.Groups {
		if !contains(st.Member, g) {
			out = append(out, g)
		}
	}
	return out
}

// view is how a plan shows an account: nil when it does not exist.
func (st userState) view(want userSpec) any {
	if !st.Exists {
		return nil
	}
	return map[string]any{"home": st.Home, "shell": st.Shell, "groups": anyList(st.Member)}
}

func (u userSpec) view() any {
	return map[string]any{"home": u.Home, "shell": u.Shell, "groups": anyList(u.Groups)}
}

// accountTool runs useradd, usermod or groupadd, on another root with
// --root (which chroots into it, as these tools support).
func accountTool(ctx context.Context, h *resources.Host, tool string, args ...string) error {
	if h.Root != "/" {
		args = append([]string{"--root", h.Root}, args...)
	}
	out, err := exec.CommandContext(ctx, tool, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", tool, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// createUser runs useradd: the home from /etc/skel, a group of its own,
// the shell and supplementary groups.
func createUser(ctx context.Context, h *resources.Host, u userSpec) error {
	args := []string{"--create-home", "--user-group", "--home-dir", u.Home, "--shell", u.Shell}
	if len(u.Groups) > 0 {
		args = append(args, "--groups", strings.Join(u.Groups, ","))
	}
	return accountTool(ctx, h, "useradd", append(args, u.Name)...)
}

// modifyUser changes the shell and appends supplementary groups.
func modifyUser(ctx context.Context, h *resources.Host, name, shell string, groups []string) error {
	var args []string
	if shell != "" {
		args = append(args, "--shell", shell)
	}
	if len(groups) > 0 {
		args = append(args, "--append", "--groups", strings.Join(groups, ","))
	}
	if len(args) == 0 {
		return nil
	}
	return accountTool(ctx, h, "usermod", append(args, name)...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func anyList(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}
