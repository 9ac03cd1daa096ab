// Package account looks up users and groups in the host's /etc/passwd and
// /etc/group under the run's root, never the process's own user database,
// so plans against a --root tree see that tree's accounts.
package account

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/clawplan/clawplan/resources"
)

// User is one account. Exists is false when the user is not created yet
// (a fresh host): Home is then the conventional /home/NAME and the ids -1.
type User struct {
	Name   string
	UID    int
	GID    int
	Home   string
	Exists bool
}

// Lookup finds name in the host's /etc/passwd (through the read cache).
// Every secret and cron job of a plan looks its user up: it reads the
// cached bytes in place and splits only the user's own line.
func Lookup(h *resources.Host, name string) (User, error) {
	u := User{Name: name, UID: -1, GID: -1, Home: "/home/" + name}
	f, err := h.ReadFile("/etc/passwd")
	if err != nil || !f.Exists {
		return u, err
	}
	line, ok := entry(f.Content, name)
	if !ok {
		return u, nil
	}
	fields := strings.Split(line, ":")
	if len(fields) < 7 {
		return u, nil
	}
	uid, err1 := strconv.Atoi(fields[2])
	gid, err2 := strconv.Atoi(fields[3])
	if err1 != nil || err2 != nil {
		return u, fmt.Errorf("/etc/passwd: bad ids for user %s", name)
	}
	return User{Name: name, UID: uid, GID: gid, Home: fields[5], Exists: true}, nil
}

// entry returns the first line of a colon-separated database that has at
// least 7 fields and whose first field is name, without its line ending.
func entry(db []byte, name string) (string, bool) {
	for len(db) > 0 {
		line := db
		if i := bytes.IndexByte(db, '\n'); i >= 0 {
			line, db = db[:i], db[i+1:]
		} else {
			db = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > len(name) && line[len(name)] == ':' && string(line[:len(name)]) == name && bytes.Count(line, []byte(":")) >= 6 {
			return string(line), true
		}
	}
	return "", false
}

// GroupMembers returns the members of group name in the host's /etc/group,
// and whether the group exists.
func GroupMembers(h *resources.Host, name string) ([]string, bool, error) {
	f, err := h.ReadFile("/etc/group")
	if err != nil || !f.Exists {
		return nil, false, err
	}
	sc := bufio.NewScanner(bytes.NewReader(f.Content))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 4 || fields[0] != name {
			continue
		}
		if fields[3] == "" {
			return nil, true, nil
		}
		return strings.Split(fields[3], ","), true, nil
	}
	return nil, false, sc.Err()
}
