package gatewaysvc

import (
	"context"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// diffDelete plans the removal of a gateway_service whose gateway block is
// gone: stop, disable, delete the unit file. Lingering and installed
// runtimes stay: other services of the user may need the first, and the
// second is hundreds of megabytes a reinstall would fetch again.
func (s *Service) diffDelete(o *observed) resources.Change {
	ch := resources.Change{Addr: s.addr, Action: resources.Delete}
	if o.unit.Exists {
		ch.Files = []resources.FileDiff{{Path: o.paths.unit, Before: string(o.unit.Content)}}
	}
	if o.wants {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "enabled", Before: true, After: false})
	}
	if o.mgrErr == nil && o.status.Active() {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "active", Before: o.status.ActiveState, After: "inactive"})
	}
	if !o.unit.Exists && !o.wants {
		ch.Notes = append(ch.Notes, fmt.Sprintf("Nothing of %s is left on the host; clawplan stops tracking it.", s.addr))
	}
	ch.Notes = append(ch.Notes, fmt.Sprintf("Lingering for %s and the OpenClaw installs under %s/.openclaw/runtime stay; remove them by hand if nothing else needs them.", s.set.User, o.acct.Home))
	return ch
}

// applyDelete stops and disables the unit and deletes its file.
func (s *Service) applyDelete(ctx context.Context, h *resources.Host) error {
	acct, err := account.Lookup(h, s.set.User)
	if err != nil || !acct.Exists {
		return err
	}
	p := s.paths(acct.Home)
	defer s.forget(h, acct, p)
	m := connectIfUp(ctx, h, acct)
	if m != nil {
		defer m.Close()
		if err := stopIfLoaded(ctx, m); err != nil {
			return err
		}
	}
	if err := unlinkWants(ctx, h, m, p, false); err != nil {
		return err
	}
	full, err := h.Path(p.unit)
	if err != nil {
		return err
	}
	if err := hostfs.Remove(full); err != nil {
		return err
	}
	if m != nil {
		return m.Reload(ctx)
	}
	return nil
}
