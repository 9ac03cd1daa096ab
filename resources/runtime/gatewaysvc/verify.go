package gatewaysvc

import (
	"context"
	"fmt"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
)

var _ resources.Verifier = (*Service)(nil)

// Verify is the seed's functional test 1 (`ss -tlnp | grep 18789`, expect
// 127.0.0.1 and [::1] only), read from the kernel's socket tables under
// the run's root at the time of the check: with bind = "loopback", the
// gateway's port must be listened on, and on loopback addresses only;
// with another bind, it must be listened on. When the service user exists,
// at least one of the sockets must be its own: another program holding the
// port is not the gateway.
func (s *Service) Verify(_ context.Context, h *resources.Host) []resources.Check {
	if s.orphan {
		return nil
	}
	c := resources.Check{Name: "gateway listening"}
	if s.set.Bind == "loopback" {
		c.Name = "gateway on loopback only"
	}
	src := strings.Join(ProcNetTCP, " and ")
	if h.Root != "/" && h.Root != "" {
		src += " under " + h.Root
	}
	socks, ok := liveListeners(h, s.set.Port)
	others := ""
	if acct, err := account.Lookup(h, s.set.User); ok && len(socks) > 0 && err == nil && acct.Exists {
		if own, _ := liveListenersOf(h, acct.UID, s.set.Port); len(own) == 0 {
			others = fmt.Sprintf("%s: port %d is listened on at %s, but by another program: no socket of %s (uid %d), so not the gateway", src, s.set.Port, joinSocks(socks), s.set.User, acct.UID)
		}
	}
	switch {
	case !ok:
		c.Evidence = fmt.Sprintf("cannot read %s: where the gateway listens is unknown", src)
	case len(socks) == 0:
		c.Evidence = fmt.Sprintf("%s: nothing listens on port %d: the gateway is not running (systemctl --user status %s, as %s)", src, s.set.Port, systemd.UnitName, s.set.User)
	case others != "":
		c.Evidence = others
	case s.set.Bind == "loopback" && !loopbackOnly(socks):
		c.Evidence = fmt.Sprintf("%s: port %d is listened on at %s: not only loopback, so other hosts reach the gateway although bind = \"loopback\"", src, s.set.Port, joinSocks(socks))
	default:
		c.Passed = true
		c.Evidence = fmt.Sprintf("%s: port %d is listened on at %s (bind = %q)", src, s.set.Port, joinSocks(socks), s.set.Bind)
	}
	return []resources.Check{c}
}
