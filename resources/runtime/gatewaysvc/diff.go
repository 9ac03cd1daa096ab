package gatewaysvc

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
)

// work is what an apply has to do, computed by Diff and re-checked by Apply.
type work struct {
	install, unit, linger, enable bool
	start                         bool // not known to be running
}

func (w work) any() bool { return w.install || w.unit || w.linger || w.enable || w.start }

// Diff compares the host with the gateway's settings.
func (s *Service) Diff(st resources.State) (resources.Change, error) {
	o, ok := st.Private.(*observed)
	if !ok {
		return resources.Change{}, fmt.Errorf("diff needs the state from this resource's own probe")
	}
	if s.orphan {
		return s.diffDelete(o), nil
	}
	ch := resources.Change{Addr: s.addr, Action: resources.NoOp}
	w := s.work(o)
	s.versionAttrs(o, &ch)
	s.unitAttrs(o, &ch)
	s.stateAttrs(o, w, &ch)
	s.listenNotes(o, &ch)
	if w.any() {
		ch.Action = resources.Update
		if !o.unit.Exists {
			ch.Action = resources.Create
		}
		// Apply never (re)starts the gateway: the engine's refresh does,
		// once, after every change of the apply succeeded.
		ch.Triggers = []resources.Addr{s.addr}
	}
	if w.install && o.install.OpenClaw != "" && o.install.OpenClaw != s.set.Version && s.set.Prefix == "" {
		ch.Notes = append(ch.Notes, fmt.Sprintf("OpenClaw %s is installed beside %s (in %s); the previous install stays for rollback.",
			s.set.Version, o.install.OpenClaw, o.paths.prefix))
	}
	ch.Private = w
	return ch, nil
}

// work decides what Apply has to do.
func (s *Service) work(o *observed) work {
	known := o.mgrErr == nil
	return work{
		install: !o.install.ok(s.set.Version),
		unit:    !o.unit.Exists || o.opts == nil || len(systemd.Compare(o.opts, systemd.Render(s.unitParams(o.acct.Home)))) > 0,
		linger:  !o.linger,
		enable:  !o.wants || (known && o.status.UnitFileState != "" && o.status.UnitFileState != "enabled"),
		start:   known && !o.status.Active(),
	}
}

// versionAttrs shows installed against wanted versions.
func (s *Service) versionAttrs(o *observed, ch *resources.Change) {
	in := o.install
	if in.OpenClaw != s.set.Version {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "openclaw_version", Before: orNil(in.OpenClaw), After: s.set.Version})
	}
	if !in.nodeOK(s.set.Version) {
		a := resources.AttrChange{Path: "node_version", Before: orNil(in.Node), After: "node@" + s.set.Node}
		if in.Node != "" && !in.NodeBin {
			a.Before = in.Node + " (binary missing)"
		}
		ch.Attrs = append(ch.Attrs, a)
		ch.Notes = append(ch.Notes, fmt.Sprintf("OpenClaw %s needs Node %s; npm installs node@%s beside it.", s.set.Version, in.nodeRequirement(s.set.Version), s.set.Node))
	}
	if !o.acct.Exists {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "install_prefix", After: o.paths.prefix,
			Unknown: fmt.Sprintf("user %s does not exist yet: the path assumes home %s", s.set.User, o.acct.Home)})
	}
}

// unitAttrs shows the unit as a file diff and, when it exists, key by key.
func (s *Service) unitAttrs(o *observed, ch *resources.Change) {
	want := s.desiredUnit(o.acct.Home)
	if o.unit.Exists && bytes.Equal(o.unit.Content, want) {
		return
	}
	ch.Files = append(ch.Files, resources.FileDiff{Path: o.paths.unit, Before: string(o.unit.Content), After: string(want)})
	if !o.unit.Exists {
		return // the file shows every key
	}
	for _, k := range systemd.Compare(o.opts, systemd.Render(s.unitParams(o.acct.Home))) {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "unit." + k.Key, Before: values(k.Before), After: values(k.After)})
	}
}

// stateAttrs shows lingering, enablement and the running state.
func (s *Service) stateAttrs(o *observed, w work, ch *resources.Change) {
	if w.linger {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "linger", Before: false, After: true})
	}
	known := o.mgrErr == nil
	if w.enable {
		a := resources.AttrChange{Path: "enabled", Before: o.wants, After: true}
		if known && o.status.UnitFileState != "" {
			a.Before = o.status.UnitFileState
			a.After = "enabled"
		}
		ch.Attrs = append(ch.Attrs, a)
	}
	switch {
	case !known && (w.any() || !o.acct.Exists):
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "active", After: "active", Unknown: "the user manager cannot be asked yet: " + o.mgrErr.Error()})
	case !known:
		ch.Notes = append(ch.Notes, fmt.Sprintf("The running state of %s is unknown: %v.", systemd.UnitName, o.mgrErr))
	case w.start:
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "active", Before: o.status.ActiveState, After: "active"})
	}
}

// listenNotes says where the gateway listens, from the kernel's socket
// tables, and warns when bind = "loopback" and it listens elsewhere.
func (s *Service) listenNotes(o *observed, ch *resources.Change) {
	if o.mgrErr != nil || !o.status.Active() {
		return
	}
	src := strings.Join(ProcNetTCP, ", ")
	switch {
	case !o.socksOK:
		ch.Notes = append(ch.Notes, fmt.Sprintf("Could not read %s to check where the gateway listens.", src))
	case len(o.socks) == 0:
		ch.Notes = append(ch.Notes, fmt.Sprintf("Nothing listens on port %d yet (%s); the gateway takes about 8 s to listen after a start.", s.set.Port, src))
	case s.set.Bind == "loopback" && !loopbackOnly(o.socks):
		ch.Notes = append(ch.Notes, fmt.Sprintf("WARNING: bind = \"loopback\" but the gateway listens on %s (%s): it is reachable from other hosts.", joinSocks(o.socks), src))
	case s.set.Bind == "loopback":
		ch.Notes = append(ch.Notes, fmt.Sprintf("The gateway listens on %s only: loopback, as bind = \"loopback\" wants (%s).", joinSocks(o.socks), src))
	default:
		ch.Notes = append(ch.Notes, fmt.Sprintf("The gateway listens on %s (%s).", joinSocks(o.socks), src))
	}
}

func joinSocks(socks []netip.AddrPort) string {
	s := make([]string, len(socks))
	for i, a := range socks {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// values renders a key's values: nil when absent, a string for one value,
// a list for a repeated key.
func values(v []string) any {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return v[0]
	}
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}
