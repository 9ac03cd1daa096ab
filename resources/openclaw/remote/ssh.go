package remote

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
)

// SSHKind is the verify-only node of the SSH tunnel.
const SSHKind = "ssh_tunnel"

// sshTunnel changes nothing; verify prints the command that reaches the
// loopback-bound gateway from a workstation.
type sshTunnel struct {
	addr resources.Addr
	set  settings
}

var (
	_ resources.Verifier = (*sshTunnel)(nil)
	_ resources.Owner    = (*sshTunnel)(nil)
)

// Ownership is empty: the SSH tunnel writes nothing on the host. The
// record lets removing the block show up in the plan.
func (s *sshTunnel) Ownership() (json.RawMessage, error) { return json.RawMessage(`{}`), nil }

func (s *sshTunnel) Addr() resources.Addr      { return s.addr }
func (s *sshTunnel) Validate() hcl.Diagnostics { return nil }
func (s *sshTunnel) Probe(context.Context, *resources.Host) (resources.State, error) {
	return resources.State{Exists: true}, nil
}
func (s *sshTunnel) Diff(resources.State) (resources.Change, error) {
	return resources.Change{Addr: s.addr, Action: resources.NoOp}, nil
}
func (s *sshTunnel) Snapshot(context.Context, *resources.Host) (resources.Snapshot, error) {
	return resources.Snapshot{Addr: s.addr, Data: []byte("{}")}, nil
}
func (s *sshTunnel) Apply(context.Context, *resources.Host, resources.Change) error { return nil }
func (s *sshTunnel) Restore(context.Context, *resources.Host, resources.Snapshot) error {
	return nil
}

// Command is the seed's SSH tunnel for this gateway.
func (s *sshTunnel) Command() string {
	return fmt.Sprintf("ssh -L %d:127.0.0.1:%d %s@%s", s.set.Port, s.set.Port, s.set.SSH.User, s.set.SSH.Host)
}

// Verify is one informational, passing check with the command as evidence.
func (s *sshTunnel) Verify(context.Context, *resources.Host) []resources.Check {
	return []resources.Check{{Name: "SSH tunnel to the gateway (informational)", Passed: true,
		Evidence: s.Command() + fmt.Sprintf("   then open http://localhost:%d/ and enter the gateway token", s.set.Port)}}
}

// sshOrphan is a removed ssh_tunnel: there is nothing to delete, the
// plan says so and the engine drops the record.
type sshOrphan struct{ addr resources.Addr }

func (o *sshOrphan) Addr() resources.Addr      { return o.addr }
func (o *sshOrphan) Validate() hcl.Diagnostics { return nil }
func (o *sshOrphan) Probe(context.Context, *resources.Host) (resources.State, error) {
	return resources.State{}, nil
}
func (o *sshOrphan) Diff(resources.State) (resources.Change, error) {
	return resources.Change{Addr: o.addr, Action: resources.Delete, Notes: []string{
		fmt.Sprintf("%s wrote nothing on the host: nothing to delete; `clawplan verify` stops printing its ssh -L command", o.addr)}}, nil
}
func (o *sshOrphan) Snapshot(context.Context, *resources.Host) (resources.Snapshot, error) {
	return resources.Snapshot{Addr: o.addr, Data: []byte("{}")}, nil
}
func (o *sshOrphan) Apply(context.Context, *resources.Host, resources.Change) error     { return nil }
func (o *sshOrphan) Restore(context.Context, *resources.Host, resources.Snapshot) error { return nil }
