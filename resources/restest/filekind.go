package restest

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"sync"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// FileKindName is the block type of the test file kind.
const FileKindName = "testfile"

// FileKind is a minimal real kind for engine and CLI tests: one file with
// content and mode, written atomically under the root. It is a test
// fixture, not a mock: it really reads and writes the file.
//
//	testfile "a" {
//	  path    = "/etc/a.conf"
//	  content = "hello"
//	  mode    = "0644"
//	}
type FileKind struct{}

var registerOnce sync.Once

// RegisterFileKind registers FileKind (once) and makes "testfile" a block
// type manifests may declare. Only tests call it.
func RegisterFileKind() {
	registerOnce.Do(func() {
		resources.BlockTypes = append(resources.BlockTypes, FileKindName)
		resources.Register(FileKind{})
	})
}

// Name implements resources.Kind.
func (FileKind) Name() string { return FileKindName }

// Spec implements resources.Kind.
func (FileKind) Spec() hcldec.Spec {
	return &hcldec.ObjectSpec{
		"path":    &hcldec.AttrSpec{Name: "path", Type: cty.String, Required: true},
		"content": &hcldec.AttrSpec{Name: "content", Type: cty.String, Required: true},
		"mode":    &hcldec.AttrSpec{Name: "mode", Type: cty.String},
		"notify":  &hcldec.AttrSpec{Name: "notify", Type: cty.List(cty.String)},
	}
}

// Decode implements resources.Kind.
func (FileKind) Decode(addr resources.Addr, body hcl.Body, val cty.Value) (resources.Resource, hcl.Diagnostics) {
	f := &File{addr: addr, Path: val.GetAttr("path").AsString(), Content: val.GetAttr("content").AsString(), Mode: "0644"}
	if m := val.GetAttr("mode"); !m.IsNull() {
		f.Mode = m.AsString()
	}
	if n := val.GetAttr("notify"); !n.IsNull() {
		for _, v := range n.AsValueSlice() {
			a, err := resources.ParseAddr(v.AsString())
			if err != nil {
				return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid notify address", Detail: err.Error()}}
			}
			f.Notify = append(f.Notify, a)
		}
	}
	if _, err := strconv.ParseUint(f.Mode, 8, 32); err != nil {
		rng := hcldec.SourceRange(body, &hcldec.AttrSpec{Name: "mode", Type: cty.String})
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid mode",
			Detail: fmt.Sprintf("mode %q must be octal, such as \"0644\".", f.Mode), Subject: &rng}}
	}
	return f, nil
}

// Orphan implements resources.Orphaner.
func (FileKind) Orphan(addr resources.Addr, record json.RawMessage) (resources.Resource, error) {
	f := &File{addr: addr, orphan: true}
	if record != nil {
		if err := json.Unmarshal(record, &f.Path); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// File is one testfile resource.
type File struct {
	addr          resources.Addr
	Path, Content string
	Mode          string
	// Notify are the addresses refreshed once after an apply that changed this file.
	Notify []resources.Addr
	orphan bool
}

var _ resources.Resource = (*File)(nil)

// Addr implements resources.Resource.
func (f *File) Addr() resources.Addr { return f.addr }

// Validate implements resources.Resource.
func (f *File) Validate() hcl.Diagnostics { return nil }

// Probe implements resources.Resource.
func (f *File) Probe(_ context.Context, h *resources.Host) (resources.State, error) {
	cur, err := h.ReadFile(f.Path)
	if err != nil {
		return resources.State{}, err
	}
	return resources.State{Exists: cur.Exists, Fingerprint: h.FileFingerprint(cur), Private: cur}, nil
}

// Diff implements resources.Resource.
func (f *File) Diff(st resources.State) (resources.Change, error) {
	cur := st.Private.(hostfs.File)
	ch := resources.Change{Addr: f.addr, Action: resources.NoOp}
	switch {
	case f.orphan && cur.Exists:
		ch.Action = resources.Delete
		ch.Files = []resources.FileDiff{{Path: f.Path, Before: string(cur.Content)}}
	case f.orphan:
	case !cur.Exists:
		ch.Action = resources.Create
	case string(cur.Content) != f.Content || resources.ModeString(cur.Mode) != f.Mode:
		ch.Action = resources.Update
	}
	if ch.Action != resources.NoOp {
		ch.Triggers = f.Notify
	}
	if !f.orphan && ch.Action != resources.NoOp {
		ch.Files = []resources.FileDiff{{Path: f.Path, Before: string(cur.Content), After: f.Content}}
		before := any(nil)
		if cur.Exists {
			before = resources.ModeString(cur.Mode)
		}
		ch.Attrs = []resources.AttrChange{{Path: "mode", Before: before, After: f.Mode}}
	}
	return ch, nil
}

// Snapshot implements resources.Resource.
func (f *File) Snapshot(_ context.Context, h *resources.Host) (resources.Snapshot, error) {
	full, err := h.Path(f.Path)
	if err != nil {
		return resources.Snapshot{}, err
	}
	s, err := hostfs.Snapshot(full)
	if err != nil {
		return resources.Snapshot{}, err
	}
	b, err := json.Marshal(s)
	return resources.Snapshot{Addr: f.addr, Data: b}, err
}

// Apply implements resources.Resource.
func (f *File) Apply(_ context.Context, h *resources.Host, c resources.Change) error {
	full, err := h.Path(f.Path)
	if err != nil {
		return err
	}
	defer h.Forget(f.Path)
	if c.Action == resources.Delete {
		return hostfs.Remove(full)
	}
	mode, _ := strconv.ParseUint(f.Mode, 8, 32)
	return hostfs.WriteAtomic(full, []byte(f.Content), fsMode(mode), 0o755, hostfs.Keep)
}

// Restore implements resources.Resource.
func (f *File) Restore(_ context.Context, h *resources.Host, s resources.Snapshot) error {
	var snap hostfs.File
	if err := json.Unmarshal(s.Data, &snap); err != nil {
		return err
	}
	return hostfs.Restore(snap)
}

// Ownership implements resources.Owner.
func (f *File) Ownership() (json.RawMessage, error) { return json.Marshal(f.Path) }

func fsMode(m uint64) fs.FileMode { return fs.FileMode(m) }

// Verify implements resources.Verifier: the file on the host holds the
// declared content.
func (f *File) Verify(_ context.Context, h *resources.Host) []resources.Check {
	cur, err := h.ReadFile(f.Path)
	ok := err == nil && cur.Exists && string(cur.Content) == f.Content
	ev := fmt.Sprintf("%s holds the declared %d bytes", f.Path, len(f.Content))
	if !ok {
		ev = fmt.Sprintf("%s does not hold the declared content (exists: %v, err: %v)", f.Path, cur.Exists, err)
	}
	return []resources.Check{{Name: "content", Passed: ok, Evidence: ev}}
}

// Refresh implements resources.Refresher, standing in for a service
// restart: it appends a line to PATH.refreshed, so tests can count
// restarts. If PATH holds "refresh-fails", it fails instead (a restart of
// a service whose new config is broken).
func (f *File) Refresh(_ context.Context, h *resources.Host) error {
	full, err := h.Path(f.Path)
	if err != nil {
		return err
	}
	if b, _ := os.ReadFile(full); string(b) == "refresh-fails" {
		return fmt.Errorf("%s: the service does not start with this configuration", f.Path)
	}
	log, err := os.OpenFile(full+".refreshed", os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	_, err = log.WriteString("refreshed\n")
	return err
}
