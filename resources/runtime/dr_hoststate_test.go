package runtime_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
)

// hostStateScript prints, in the test host, everything a reference apply
// touches, in a stable order; the injection test compares two printouts.
//
//   - files: every file, directory and link of the root filesystem (type,
//     mode, owner, size, link target), with a content hash for /etc,
//     /home, /root, /var, /opt and /srv (/usr changes only with packages).
//     Left out: the kernel's and the runtime's trees (/proc, /sys, /dev,
//     /run, /tmp), the mounts the test provides (they are on other file
//     systems: -xdev), logs and caches (/var/log, /var/cache, apt's lists,
//     timer stamps), and clawplan's state directory except owned.json,
//     generations.json and inflight: its runs/ journal, lock.info, key
//     and pending.json legitimately record the failed attempt (a failed
//     apply keeps the restarts it owed, by design).
//   - nft: the ruleset of the test host's network namespace.
//   - systemd: the system's unit files, the user managers and logind's
//     users, and the service user's gateway units when its manager runs.
//   - processes: every process not run by root (user managers, gateway).
const hostStateScript = `
exec 2>&1
prune='( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path /var/log -o -path /var/cache -o -path /var/lib/apt/lists -o -path /var/lib/systemd/timers -o -path /var/lib/clawplan )'
echo '## files'
find / -xdev $prune -prune -o -printf '%y %m %u:%g %s %p %l\n' | sort -k5
echo '## content'
find /etc /home /root /var /opt /srv -xdev $prune -prune -o -type f -print0 | sort -z | xargs -0 -r sha256sum
for f in owned.json generations.json inflight; do
  if [ -e /var/lib/clawplan/$f ]; then sha256sum /var/lib/clawplan/$f; else echo "absent /var/lib/clawplan/$f"; fi
done
echo '## nft'
nft list ruleset
echo '## systemd'
systemctl list-unit-files --no-legend --no-pager | sort
systemctl list-units --all --plain --no-legend --no-pager 'user@*' 'user-runtime-dir@*' 'user-*.slice' | awk '{print $1, $2, $3}' | sort
loginctl list-users --no-legend --no-pager | sort
if systemctl -q is-active user@1000.service; then
  echo '# the service user manager'
  runuser -u openclaw -- env XDG_RUNTIME_DIR=/run/user/1000 systemctl --user list-unit-files --no-legend --no-pager 'openclaw*'
  runuser -u openclaw -- env XDG_RUNTIME_DIR=/run/user/1000 systemctl --user list-units --all --plain --no-legend --no-pager 'openclaw*' | awk '{print $1, $2, $3}'
fi
echo '## processes'
ps -e -o user:16=,comm= | awk '$1 != "root"' | sort | uniq -c
`

// hostState is the printout of hostStateScript plus the run's objects on
// the machine's Docker engine.
func (d *drBoot) hostState(t *testing.T) string {
	t.Helper()
	out, code, err := d.box.Exec(context.Background(), nil, "sh", "-c", hostStateScript)
	if err != nil || code != 0 {
		t.Fatalf("reading the test host's state: exit %d, %v\n%s", code, err, tail(out, 20))
	}
	return out + d.dockerState(t)
}

// dockerState lists what this run has on the machine's Docker engine, which
// other tests share: images tagged with the run's id or built on its base
// image (untagged build layers included), and containers whose name holds
// the id or that run an image built on the base.
func (d *drBoot) dockerState(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	c := d.engine.Client()
	base, err := c.ImageInspect(ctx, d.base)
	if err != nil {
		t.Fatalf("the base image: %v", err)
	}
	imgs, err := c.ImageList(ctx, image.ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	parent := map[string]string{}
	for _, im := range imgs {
		parent[im.ID] = im.ParentID
	}
	lines := []string{"## docker"}
	for _, im := range imgs {
		if d.ours(im.ID, im.RepoTags, base.ID, parent) {
			lines = append(lines, fmt.Sprintf("image %s %s", im.ID, strings.Join(sortedCopy(im.RepoTags), ",")))
		}
	}
	cs, err := c.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("ancestor", base.ID))})
	if err != nil {
		t.Fatal(err)
	}
	named, err := c.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("name", d.id))})
	if err != nil {
		t.Fatal(err)
	}
	for _, ct := range append(cs, named...) {
		lines = append(lines, fmt.Sprintf("container %s %s %s", strings.Join(ct.Names, ","), ct.Image, ct.State))
	}
	sort.Strings(lines[1:])
	return strings.Join(lines, "\n") + "\n"
}

// ours says whether an image is the run's: tagged with its id, or the base
// image or one built on it.
func (d *drBoot) ours(id string, tags []string, base string, parent map[string]string) bool {
	for _, tag := range tags {
		if strings.Contains(tag, d.id) {
			return true
		}
	}
	for n := 0; id != "" && n < 100; n++ {
		if id == base {
			return true
		}
		id = parent[id]
	}
	return false
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
