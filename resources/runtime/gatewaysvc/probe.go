package gatewaysvc

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path"
	"strconv"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
	"github.com/coreos/go-systemd/v22/unit"
)

// observed is what Probe found: Private of the State it returns.
type observed struct {
	acct    account.User
	paths   paths
	unit    hostfs.File
	opts    []*unit.UnitOption // nil when the file is absent or unreadable
	wants   bool               // the [Install] link exists
	linger  bool
	install installed
	// mgrErr says why the user manager could not be asked (nil: status is real).
	mgrErr error
	status systemd.Status
	// socks are the sockets listening on the gateway's port; socksOK is
	// false when the kernel tables could not be read.
	socks   []netip.AddrPort
	socksOK bool
}

// Probe reads the unit, its link, the linger file and the installed
// versions, and asks the user manager (once per run) for the unit's state.
func (s *Service) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	o, err := s.observe(ctx, h)
	if err != nil {
		return resources.State{}, err
	}
	fp := h.Fingerprint([]byte(h.FileFingerprint(o.unit)), []byte(strconv.FormatBool(o.wants)),
		[]byte(strconv.FormatBool(o.linger)), []byte(o.install.OpenClaw), []byte(o.install.Node))
	return resources.State{Exists: o.unit.Exists, Fingerprint: fp, Private: o}, nil
}

func (s *Service) observe(ctx context.Context, h *resources.Host) (*observed, error) {
	acct, err := account.Lookup(h, s.set.User)
	if err != nil {
		return nil, err
	}
	o := &observed{acct: acct, paths: s.paths(acct.Home)}
	if o.unit, err = h.ReadFile(o.paths.unit); err != nil {
		return nil, err
	}
	if o.unit.Exists {
		o.opts, _ = systemd.Parse(o.unit.Content) // unparsable: every key differs
	}
	if o.wants, err = linkExists(h, o.paths.wants); err != nil {
		return nil, err
	}
	lf, err := h.ReadFile(lingerPath(s.set.User))
	if err != nil {
		return nil, err
	}
	o.linger = lf.Exists
	if !s.orphan {
		if o.install, err = readInstalled(h, o.paths.prefix); err != nil {
			return nil, err
		}
	}
	o.status, o.mgrErr = s.managerStatus(ctx, h, acct)
	if o.mgrErr == nil && o.status.Active() {
		o.socks, o.socksOK = listeners(h, s.set.Port)
	}
	return o, nil
}

// linkExists reports whether the host path p exists as a link (or file),
// without following it: Host.Path refuses a final symlink, so the parent is
// resolved and the name joined.
func linkExists(h *resources.Host, p string) (bool, error) {
	dir, err := h.Path(path.Dir(p))
	if err != nil {
		return false, err
	}
	_, err = os.Lstat(path.Join(dir, path.Base(p)))
	if os.IsNotExist(err) {
		return false, nil
	}
	return err == nil, err
}

// ProbeTimeout bounds a plan's questions to the user manager: a manager
// that does not answer makes the running state unknown, not the plan hang.
var ProbeTimeout = 5 * time.Second

// managerStatus asks the user's manager about the unit, once per run.
func (s *Service) managerStatus(ctx context.Context, h *resources.Host, acct account.User) (systemd.Status, error) {
	if !acct.Exists {
		return systemd.Status{}, fmt.Errorf("user %s does not exist yet", acct.Name)
	}
	v, err := h.Memo(memoKey(acct.UID), func() (any, error) {
		ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
		defer cancel()
		m, err := dialManager(ctx, h, acct.UID)
		if err != nil {
			return nil, err
		}
		defer m.Close()
		return m.Status(ctx, systemd.UnitName)
	})
	if err != nil {
		return systemd.Status{}, err
	}
	return v.(systemd.Status), nil
}

func memoKey(uid int) string { return "gateway_service/status/" + strconv.Itoa(uid) }

// dialManager connects to the user manager of uid under the run's root.
func dialManager(ctx context.Context, h *resources.Host, uid int) (*systemd.Manager, error) {
	sock, err := h.Path(systemd.PrivateSocket(uid))
	if err != nil {
		return nil, err
	}
	return systemd.Dial(ctx, sock)
}
