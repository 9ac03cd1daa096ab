package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"strconv"
	"sync"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/resources/runtime"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// Stand-in block types for this package's engine-level tests. The real
// gateway and sandbox blocks and the openclaw.json writer belong to the
// openclaw package; these implement only the contract the runtime nodes
// rely on, so the tests do not depend on that package's state:
//
//	rt_gateway "main" { user = "openclaw"  port = 18789  bind = "loopback" }
//	   exports its body, as the gateway block does (resources.Exporter)
//	rt_file "cfg" { path = "..."  content = "..."  owner = "openclaw"  restarts = "main" }
//	   writes a file 0600 owned by owner and, when it changes, names
//	   gateway_service.RESTARTS in Triggers, as openclaw_config and
//	   secret_env do
//	rt_fail "boom" { }
//	   fault injection: its Apply always fails (a failure after a config
//	   write cannot be produced on demand by a real kind)
const (
	gatewayStandIn = "rt_gateway"
	fileStandIn    = "rt_file"
	failStandIn    = "rt_fail"
)

var registerStandIns sync.Once

func standIns() {
	registerStandIns.Do(func() {
		resources.BlockTypes = append(resources.BlockTypes, gatewayStandIn, fileStandIn, failStandIn)
		resources.Register(gatewayKind{})
		resources.Register(fileKind{})
		resources.Register(failKind{})
		runtime.GatewayKind = gatewayStandIn
	})
}

type gatewayKind struct{}

func (gatewayKind) Name() string { return gatewayStandIn }
func (gatewayKind) Spec() hcldec.Spec {
	return &hcldec.ObjectSpec{
		"user":             &hcldec.AttrSpec{Name: "user", Type: cty.String},
		"port":             &hcldec.AttrSpec{Name: "port", Type: cty.Number},
		"bind":             &hcldec.AttrSpec{Name: "bind", Type: cty.String},
		"openclaw_version": &hcldec.AttrSpec{Name: "openclaw_version", Type: cty.String},
	}
}
func (gatewayKind) Decode(a resources.Addr, _ hcl.Body, v cty.Value) (resources.Resource, hcl.Diagnostics) {
	return &gateway{noop: noop{a}, val: v}, nil
}

type gateway struct {
	noop
	val cty.Value
}

func (g *gateway) Export() cty.Value { return g.val }

// noop is a resource with nothing on the host.
type noop struct{ addr resources.Addr }

func (n noop) Addr() resources.Addr      { return n.addr }
func (n noop) Validate() hcl.Diagnostics { return nil }
func (n noop) Probe(context.Context, *resources.Host) (resources.State, error) {
	return resources.State{Exists: true}, nil
}
func (n noop) Diff(resources.State) (resources.Change, error) {
	return resources.Change{Addr: n.addr, Action: resources.NoOp}, nil
}
func (n noop) Snapshot(context.Context, *resources.Host) (resources.Snapshot, error) {
	return resources.Snapshot{Addr: n.addr, Data: json.RawMessage("{}")}, nil
}
func (n noop) Apply(context.Context, *resources.Host, resources.Change) error { return nil }
func (n noop) Restore(context.Context, *resources.Host, resources.Snapshot) error {
	return nil
}

type fileKind struct{}

func (fileKind) Name() string { return fileStandIn }
func (fileKind) Spec() hcldec.Spec {
	return &hcldec.ObjectSpec{
		"path":     &hcldec.AttrSpec{Name: "path", Type: cty.String, Required: true},
		"content":  &hcldec.AttrSpec{Name: "content", Type: cty.String, Required: true},
		"owner":    &hcldec.AttrSpec{Name: "owner", Type: cty.String, Required: true},
		"restarts": &hcldec.AttrSpec{Name: "restarts", Type: cty.String, Required: true},
	}
}
func (fileKind) Decode(a resources.Addr, _ hcl.Body, v cty.Value) (resources.Resource, hcl.Diagnostics) {
	f := &file{File: restest.File{Path: v.GetAttr("path").AsString(), Content: v.GetAttr("content").AsString(), Mode: "0600"},
		addr: a, owner: v.GetAttr("owner").AsString(), restarts: v.GetAttr("restarts").AsString()}
	return f, nil
}

// file is restest's file kind with an owner and a restart trigger.
type file struct {
	restest.File
	addr            resources.Addr
	owner, restarts string
}

func (f *file) Addr() resources.Addr { return f.addr }

func (f *file) Diff(st resources.State) (resources.Change, error) {
	ch, err := f.File.Diff(st)
	if err == nil && ch.Action != resources.NoOp {
		ch.Triggers = []resources.Addr{{Kind: "gateway_service", Name: f.restarts}}
	}
	return ch, err
}

func (f *file) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	acct, err := account.Lookup(h, f.owner)
	if err != nil || !acct.Exists {
		return errors.Join(err, errors.New("no user "+f.owner))
	}
	full, err := h.Path(f.Path)
	if err != nil {
		return err
	}
	defer h.Forget(f.Path)
	mode, _ := strconv.ParseUint(f.Mode, 8, 32)
	o := hostfs.Owner{UID: acct.UID, GID: acct.GID}
	return hostfs.WriteAtomic(full, []byte(f.Content), fsMode(mode), 0o700, o)
}

type failKind struct{}

func (failKind) Name() string      { return failStandIn }
func (failKind) Spec() hcldec.Spec { return &hcldec.ObjectSpec{} }
func (failKind) Decode(a resources.Addr, _ hcl.Body, _ cty.Value) (resources.Resource, hcl.Diagnostics) {
	return &fail{noop{a}}, nil
}

type fail struct{ noop }

func (f *fail) Diff(resources.State) (resources.Change, error) {
	return resources.Change{Addr: f.addr, Action: resources.Update}, nil
}
func (f *fail) Apply(context.Context, *resources.Host, resources.Change) error {
	return errors.New("injected failure (rt_fail stand-in)")
}

func fsMode(m uint64) fs.FileMode { return fs.FileMode(m) }
