package network

import (
	"fmt"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// observed is what a probe found, handed to Diff as State.Private.
type observed struct {
	netplan *hostfs.File // nil when the block does not manage a netplan file
	daemon  *hostfs.File // nil when it does not own daemon.json's "dns"
	// siblings are the other netplan files that matter to the block.
	siblings []sibling
	// note says why the rendered netplan YAML was not validated.
	note string
	// retired are the files the block managed under earlier settings
	// (see Network.retired); nil for an orphan.
	retired *observed
}

// probeFiles reads the managed files through the run's read cache; an
// empty path is a file the resource does not manage. A missing file is
// not an error: a fresh host has neither.
func probeFiles(h *resources.Host, netplanPath, daemonPath string) (*observed, error) {
	obs := &observed{}
	var err error
	if obs.netplan, err = probeFile(h, netplanPath); err != nil {
		return nil, err
	}
	if obs.daemon, err = probeFile(h, daemonPath); err != nil {
		return nil, err
	}
	return obs, nil
}

func probeFile(h *resources.Host, p string) (*hostfs.File, error) {
	if p == "" {
		return nil, nil
	}
	f, err := h.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return &f, nil
}

// state is the probe's result: the resource exists when a netplan file it
// wrote or its "dns" key does; the fingerprint covers every file apply may
// touch, whole (bytes, mode, owner), since apply rewrites them whole.
func (o *observed) state(h *resources.Host) resources.State {
	fp := func(f *hostfs.File) []byte {
		if f == nil {
			return []byte("unmanaged")
		}
		return []byte(h.FileFingerprint(*f))
	}
	parts := [][]byte{fp(o.netplan), fp(o.daemon)}
	for _, s := range o.siblings {
		parts = append(parts, []byte(s.path), fp(&s.file))
	}
	if r := o.retired; r != nil && (r.netplan != nil || r.daemon != nil) {
		parts = append(parts, []byte("retired"), fp(r.netplan), fp(r.daemon))
	}
	return resources.State{Exists: o.exists(), Fingerprint: h.Fingerprint(parts...), Private: o}
}

func (o *observed) exists() bool {
	if o.netplan != nil && o.netplan.Exists {
		return true
	}
	if o.retired != nil && o.retired.exists() {
		return true
	}
	for _, s := range o.siblings {
		if s.stale {
			return true
		}
	}
	if o.daemon == nil || !o.daemon.Exists {
		return false
	}
	doc, err := readDaemon(o.daemon.Content)
	return err != nil || doc.dns >= 0
}
