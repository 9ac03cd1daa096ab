package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/hashicorp/hcl/v2"
)

// DevicesKind is the node that ensures the scopes of named paired devices.
const DevicesKind = "gateway_devices"

// Scopes are the operator scopes OpenClaw 2026.9.6 knows (openclaw.md §4).
var Scopes = []string{"operator.admin", "operator.read", "operator.write", "operator.sessions.read", "operator.sessions.write",
	"operator.approvals", "operator.questions", "operator.pairing", "operator.talk", "operator.talk.secrets"}

// devices is gateway_devices.NAME.
type devices struct {
	addr resources.Addr
	set  settings
	deps []resources.Addr
	rng  hcl.Range
}

var (
	_ resources.Resource  = (*devices)(nil)
	_ resources.Dependent = (*devices)(nil)
)

// deviceState is what Probe found: the rows, and whether the database exists.
type deviceState struct {
	Devices []device
	DB      bool
	Up      bool
}

// rotation is one device whose operator token scopes change.
type rotation struct {
	Key, ID        string
	Before, Scopes []string
}

func (d *devices) Addr() resources.Addr        { return d.addr }
func (d *devices) DependsOn() []resources.Addr { return d.deps }

// Validate checks every scope against OpenClaw's enum.
func (d *devices) Validate() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, key := range sortedKeys(d.set.Scopes) {
		for _, s := range d.set.Scopes[key] {
			if !slices.Contains(Scopes, s) {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown device scope",
					Detail: fmt.Sprintf("device_scopes[%q]: %q is not an OpenClaw scope; use some of %s.", key, s, strings.Join(Scopes, ", ")), Subject: d.rng.Ptr()})
			}
		}
	}
	return diags
}

func (d *devices) home(h *resources.Host) (account.User, error) { return account.Lookup(h, d.set.User) }

// Probe reads the paired devices read-only and whether the gateway listens.
func (d *devices) Probe(_ context.Context, h *resources.Host) (resources.State, error) {
	acct, err := d.home(h)
	if err != nil {
		return resources.State{}, err
	}
	devs, exists, err := readDevices(h, dbPath(acct.Home))
	if err != nil {
		return resources.State{}, fmt.Errorf("reading OpenClaw's paired devices: %w", err)
	}
	st := deviceState{Devices: devs, DB: exists}
	if ok, _ := h.MayProbe("127.0.0.1"); ok {
		st.Up = listening(d.set.Port, 0)
	}
	raw, _ := json.Marshal(devs)
	return resources.State{Exists: exists, Fingerprint: h.Fingerprint(raw), Private: st}, nil
}

// find matches a key against device ids, then display names and labels.
func find(devs []device, key string) (device, error) {
	var hits []device
	for _, dv := range devs {
		if dv.ID == key {
			return dv, nil
		}
		if dv.DisplayName == key || dv.Label == key {
			hits = append(hits, dv)
		}
	}
	switch len(hits) {
	case 0:
		return device{}, nil
	case 1:
		return hits[0], nil
	}
	return device{}, fmt.Errorf("device_scopes[%q]: %d paired devices are named so; use the deviceId (`openclaw devices list`)", key, len(hits))
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
