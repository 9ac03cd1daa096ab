package vm

import (
	"testing"

	"github.com/clawplan/clawplan/resources/hostfs"
)

// TestUserExisted reads the snapshot's copy of /etc/passwd: only an
// account that was not there before the apply has its manager stopped on
// restore; without a copy the restore leaves the manager alone.
func TestUserExisted(t *testing.T) {
	passwd := "root:x:0:0:root:/root:/bin/bash\nopenclaw-old:x:1001:1001::/home/openclaw-old:/bin/bash\n"
	snap := func(user, content string) snapshotData {
		return snapshotData{User: user, Files: []hostfs.File{
			{Path: "/tmp/root/etc/passwd-", Exists: true, Content: []byte("openclaw:x:1000:1000::/home/openclaw:/bin/bash\n")},
			{Path: "/tmp/root/etc/passwd", Exists: content != "", Content: []byte(content)},
		}}
	}
	for _, c := range []struct {
		user, passwd string
		want         bool
	}{
		{"openclaw", passwd, false}, // a prefix of another name is not the user
		{"openclaw-old", passwd, true},
		{"root", passwd, true},
		{"openclaw", "", false}, // no passwd at all
	} {
		if got := snap(c.user, c.passwd).userExisted(); got != c.want {
			t.Errorf("userExisted(%s) = %v, want %v", c.user, got, c.want)
		}
	}
	if !(snapshotData{User: "openclaw"}).userExisted() {
		t.Error("a snapshot without /etc/passwd must count the user as existing")
	}
}
