package gatewaysvc

import (
	"encoding/json"
	"fmt"
	"path"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
	"github.com/hashicorp/hcl/v2"
)

// Service is one gateway_service node.
type Service struct {
	addr    resources.Addr
	gateway resources.Addr
	set     Settings
	deps    []resources.Addr
	orphan  bool
}

var (
	_ resources.Resource  = (*Service)(nil)
	_ resources.Dependent = (*Service)(nil)
	_ resources.Refresher = (*Service)(nil)
	_ resources.Owner     = (*Service)(nil)
)

// New returns the gateway_service of the gateway block gw. deps are the
// nodes it must apply after (the writers of openclaw.json and .env).
func New(gw resources.Addr, set Settings, deps []resources.Addr) *Service {
	return &Service{addr: AddrFor(gw), gateway: gw, set: set, deps: deps}
}

// AddrFor is the gateway_service address of the gateway block gw: what a
// change to something the gateway reads names in Change.Triggers.
func AddrFor(gw resources.Addr) resources.Addr { return resources.Addr{Kind: KindName, Name: gw.Name} }

// Addr implements resources.Resource.
func (s *Service) Addr() resources.Addr { return s.addr }

// Settings returns the node's settings.
func (s *Service) Settings() Settings { return s.set }

// Validate has nothing left to check: the gateway block validated its
// settings and FromExport refused impossible ones.
func (s *Service) Validate() hcl.Diagnostics { return nil }

// DependsOn implements resources.Dependent.
func (s *Service) DependsOn() []resources.Addr { return s.deps }

// Ownership implements resources.Owner.
func (s *Service) Ownership() (json.RawMessage, error) {
	return json.Marshal(ownership{User: s.set.User, Unit: systemd.UnitName})
}

// paths are the host paths of one user's gateway.
type paths struct {
	home, prefix, unit, wants string
}

func (s *Service) paths(home string) paths {
	return paths{home: home, prefix: s.set.InstallPrefix(home),
		unit:  path.Join(home, systemd.UnitDir, systemd.UnitName),
		wants: path.Join(home, systemd.WantsDir, systemd.UnitName)}
}

// unitParams are the unit's values for a user whose home is home.
func (s *Service) unitParams(home string) systemd.UnitParams {
	return systemd.UnitParams{Home: home, Prefix: s.set.InstallPrefix(home), Port: s.set.Port, ManagedEnvKeys: s.set.ManagedEnvKeys}
}

func (s *Service) desiredUnit(home string) []byte {
	return systemd.Serialize(systemd.Render(s.unitParams(home)))
}

func lingerPath(user string) string { return path.Join(systemd.LingerDir, user) }

func errUserMissing(user string) error {
	return fmt.Errorf("user %s does not exist: create it first (the vm block does, or `useradd -m %s`)", user, user)
}
