package engine

import (
	"log/slog"

	"github.com/clawplan/clawplan/engine/state"
	"github.com/clawplan/clawplan/resources"
)

// Session is one run against one host: the decoded manifest, the Host
// handle (with its per-run read cache) and the state directory.
type Session struct {
	Config *Config
	Host   *resources.Host
	Store  *state.Store
	// Parallel bounds how many resources apply at once.
	Parallel int
	// Progress, when set, hears about each step of an apply or rollback.
	Progress func(Event)

	key      []byte
	warnings []string
}

// Event is one step of an apply or rollback, for progress output.
type Event struct {
	Addr   resources.Addr
	Status string // applying | applied | failed | restoring | restored | refreshing | refreshed
	Err    error
}

// NewSession opens the state directory under root and returns a session
// for c. With create, the directory and its key are made now; without, a
// run that changes the host makes them when it starts (Apply, Rollback),
// and a plan writes nothing.
func NewSession(c *Config, root string, log *slog.Logger, create bool) (*Session, error) {
	dir, err := resources.NewHost(root, "", nil, nil).Path(c.Manifest.Settings.StateDir)
	if err != nil {
		return nil, err
	}
	st, err := state.Open(dir, create)
	if err != nil {
		return nil, err
	}
	key, err := st.Key(create)
	if err != nil {
		return nil, err
	}
	h := resources.NewHost(root, dir, key, log)
	for _, v := range c.Manifest.Variables {
		if v.Sensitive && v.Value.Type().FriendlyName() == "string" && v.Value.IsKnown() && !v.Value.IsNull() {
			h.Secrets.Add(v.Value.AsString())
		}
	}
	return &Session{Config: c, Host: h, Store: st, Parallel: 4, key: key}, nil
}

func (s *Session) warn(msg string) { s.warnings = append(s.warnings, msg) }

func (s *Session) emit(a resources.Addr, status string, err error) {
	if s.Progress != nil {
		s.Progress(Event{Addr: a, Status: status, Err: err})
	}
}
