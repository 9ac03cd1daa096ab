package vm

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// baseRoot is a temp root with the account files of a fresh Debian-like
// system (root and a daemon user only) and a recorded dpkg status.
func baseRoot(t *testing.T, dpkg string) *resources.Host {
	t.Helper()
	h := restest.NewHost(t)
	files := map[string]string{
		"/etc/passwd":  "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
		"/etc/group":   "root:x:0:\ndaemon:x:1:\nusers:x:100:\n",
		"/etc/shadow":  "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
		"/etc/gshadow": "root:*::\ndaemon:*::\nusers:*::\n",
	}
	for p, content := range files {
		mode := os.FileMode(0o644)
		if strings.Contains(p, "shadow") {
			mode = 0o640
		}
		writeFile(t, filepath.Join(h.Root, p), content, mode)
	}
	if err := os.MkdirAll(filepath.Join(h.Root, "home"), 0o755); err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile(filepath.Join(recorded(t, "dpkg"), dpkg))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(h.Root, dpkgStatus), string(status), 0o644)
	return h
}

func writeFile(t *testing.T, full, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func needShadowTools(t *testing.T) {
	t.Helper()
	restest.NeedRoot(t)
	_, err := exec.LookPath("useradd")
	restest.Need(t, err == nil, "useradd (passwd package)")
}

// accountsOnly is a block that checks no hardware, so a temp root plans
// only packages and accounts.
const accountsOnly = `vm "host" {
  os              = "any"
  hardware_checks = false
%s}`

// TestUsersLifecycle creates the service user, the docker group and
// lingering in a temp root with the real useradd, re-plans to no change,
// and restores: the account files are byte for byte as before and the
// home the apply created is gone.
func TestUsersLifecycle(t *testing.T) {
	needShadowTools(t)
	h := baseRoot(t, "status-all-installed")
	before := readAll(t, h.Root, accountFiles)
	r := restest.MustDecode(t, Kind{}, strings.Replace(accountsOnly, "%s", "", 1), nil)
	ch := restest.Lifecycle(t, h, r)
	if got := attrPaths(ch); got != "users.openclaw linger.openclaw" {
		t.Errorf("change attrs = %q, want the user and its lingering", got)
	}
	if after := readAll(t, h.Root, accountFiles); !bytes.Equal(before, after) {
		t.Errorf("account files differ after restore:\n%s\n---\n%s", before, after)
	}
	for _, p := range []string{"/home/openclaw", lingerDir + "openclaw"} {
		if _, err := os.Lstat(filepath.Join(h.Root, p)); !os.IsNotExist(err) {
			t.Errorf("%s should be gone after restore: %v", p, err)
		}
	}
}

// TestUsersApplied checks what the apply left on the host before any
// restore: the passwd line, the group membership, the linger file, and
// the Homebrew permissions of section 11.
func TestUsersApplied(t *testing.T) {
	needShadowTools(t)
	h := baseRoot(t, "status-all-installed")
	brewFile := filepath.Join(h.Root, brewPrefix, "bin", "brew")
	writeFile(t, brewFile, "#!/bin/sh\n", 0o755)
	r := restest.MustDecode(t, Kind{}, strings.Replace(accountsOnly, "%s", "  homebrew = true\n", 1), nil)
	_, ch := restest.Plan(t, h, r)
	snap, err := r.Snapshot(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Apply(context.Background(), h, ch); err != nil {
		t.Fatal(err)
	}
	passwd := mustRead(t, filepath.Join(h.Root, "/etc/passwd"))
	group := mustRead(t, filepath.Join(h.Root, "/etc/group"))
	for _, want := range []string{"openclaw:x:", ":/home/openclaw:/bin/bash", "linuxbrew:x:"} {
		if !strings.Contains(passwd, want) {
			t.Errorf("/etc/passwd lacks %q:\n%s", want, passwd)
		}
	}
	for _, want := range []string{"docker:x:", "linuxbrew:x:"} {
		if !strings.Contains(group, want) {
			t.Errorf("/etc/group lacks %q:\n%s", want, group)
		}
	}
	for _, g := range []string{"docker", "linuxbrew"} {
		if !memberOf(group, g, "openclaw") {
			t.Errorf("openclaw is not in group %s:\n%s", g, group)
		}
	}
	if fi, err := os.Stat(filepath.Join(h.Root, brewHome)); err != nil || fi.Mode().Perm()&0o005 != 0o005 {
		t.Errorf("%s should be o+rx: %v %v", brewHome, fi.Mode(), err)
	}
	if fi, _ := os.Stat(brewFile); fi.Mode().Perm()&0o020 == 0 {
		t.Errorf("brew should be group-writable: %v", fi.Mode())
	}
	if rc := mustRead(t, filepath.Join(h.Root, "/home/openclaw/.bashrc")); !strings.Contains(rc, brewLine) {
		t.Errorf(".bashrc lacks the brew line:\n%s", rc)
	}
	if _, again := restest.Plan(t, restest.Fresh(h), r); again.Action != resources.NoOp {
		t.Errorf("second plan: %s %+v", again.Action, again.Attrs)
	}
	// The snapshot survives a trip through JSON (a new process restores it).
	var data json.RawMessage = append([]byte(nil), snap.Data...)
	if err := r.Restore(context.Background(), restest.Fresh(h), resources.Snapshot{Addr: snap.Addr, Data: data}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(brewFile); fi.Mode().Perm() != 0o755 {
		t.Errorf("restore should take group write off brew again: %v", fi.Mode())
	}
	if strings.Contains(mustRead(t, filepath.Join(h.Root, "/etc/passwd")), "openclaw") {
		t.Error("restore should remove the openclaw user")
	}
}

// TestExistingUserGetsGroups: an existing account keeps its home and gets
// only the missing group, through usermod.
func TestExistingUserGetsGroups(t *testing.T) {
	needShadowTools(t)
	h := baseRoot(t, "status-all-installed")
	appendFile(t, filepath.Join(h.Root, "/etc/passwd"), "openclaw:x:1000:1000::/srv/openclaw:/bin/sh\n")
	appendFile(t, filepath.Join(h.Root, "/etc/group"), "openclaw:x:1000:\ndocker:x:999:\n")
	appendFile(t, filepath.Join(h.Root, "/etc/gshadow"), "openclaw:!::\ndocker:!::\n")
	appendFile(t, filepath.Join(h.Root, "/etc/shadow"), "openclaw:!:19000:0:99999:7:::\n")
	r := restest.MustDecode(t, Kind{}, strings.Replace(accountsOnly, "%s", "  linger = false\n", 1), nil)
	ch := restest.Lifecycle(t, h, r)
	notes := strings.Join(ch.Notes, "\n")
	if !strings.Contains(notes, "does not move homes") || !strings.Contains(notes, "group(s) docker") {
		t.Errorf("notes should say the home stays and the group takes effect later:\n%s", notes)
	}
	a := ch.Attrs[0]
	if a.Path != "users.openclaw" || !strings.Contains(jsonOf(a.After), `"shell":"/bin/bash"`) || !strings.Contains(jsonOf(a.After), `"groups":["docker"]`) {
		t.Errorf("attr = %+v", a)
	}
}

func appendFile(t *testing.T, full, s string) {
	t.Helper()
	f, err := os.OpenFile(full, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

func memberOf(group, g, user string) bool {
	for _, line := range strings.Split(group, "\n") {
		f := strings.Split(line, ":")
		if len(f) == 4 && f[0] == g {
			for _, m := range strings.Split(f[3], ",") {
				if m == user {
					return true
				}
			}
		}
	}
	return false
}

func readAll(t *testing.T, root string, paths []string) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, p := range paths {
		content, err := os.ReadFile(filepath.Join(root, p))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		b.WriteString("== " + p + "\n")
		b.Write(content)
	}
	return b.Bytes()
}

func attrPaths(ch resources.Change) string {
	var out []string
	for _, a := range ch.Attrs {
		out = append(out, a.Path)
	}
	return strings.Join(out, " ")
}
