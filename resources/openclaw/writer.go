package openclaw

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

const writerKindName = "openclaw_config"

// File modes OpenClaw's audit accepts without a finding.
const (
	fileMode fs.FileMode = 0o600
	dirMode  fs.FileMode = 0o700
)

// writerKind is openclaw_config: synthesized, never declared. It is a
// registered kind so that a writer whose blocks all went can be orphaned.
type writerKind struct{}

func (writerKind) Name() string      { return writerKindName }
func (writerKind) Spec() hcldec.Spec { return hcldec.ObjectSpec{} }

func (writerKind) Decode(addr resources.Addr, body hcl.Body, _ cty.Value) (resources.Resource, hcl.Diagnostics) {
	r := body.MissingItemRange()
	return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "openclaw_config is not declared",
		Detail: "clawplan adds openclaw_config.<user> by itself for the gateway, llm_provider, channel, agent and sandbox blocks; remove this block.", Subject: &r}}
}

// Orphan rebuilds a writer whose contributing blocks are all gone: it
// removes every path it recorded, and the file if it created it and
// nothing else is left.
func (writerKind) Orphan(addr resources.Addr, rec json.RawMessage) (resources.Resource, error) {
	var r record
	if err := json.Unmarshal(rec, &r); err != nil {
		return nil, fmt.Errorf("%s: ownership record: %w", addr, err)
	}
	return &writer{addr: addr, user: addr.Name, version: pinned(), orphaned: true, engineRecord: &r}, nil
}

// writer owns ~/.openclaw/openclaw.json of one service user.
type writer struct {
	addr         resources.Addr
	user         string
	version      string
	prefix       string // the gateway block's install_prefix, "" for the default
	deps         []resources.Addr
	leaves       []leaf
	triggers     []resources.Addr
	orphaned     bool
	engineRecord *record
	owned        *record // the record after the last probe or apply
}

var (
	_ resources.Resource  = (*writer)(nil)
	_ resources.Dependent = (*writer)(nil)
	_ resources.Owner     = (*writer)(nil)
)

func (w *writer) Addr() resources.Addr        { return w.addr }
func (w *writer) Validate() hcl.Diagnostics   { return nil }
func (w *writer) DependsOn() []resources.Addr { return w.deps }

// writerState is what the writer found and what it will write.
type writerState struct {
	file       hostfs.File
	path       string // host path of openclaw.json
	dirFull    string
	dirMode    fs.FileMode // 0 when the directory does not exist
	recFile    hostfs.File
	recFull    string
	merged     merged
	after      []byte
	removeFile bool
	owner      hostfs.Owner
	shown      resources.FileDiff // the file change, credentials fingerprinted
	parseErr   error
	diags      hcl.Diagnostics
	notes      []string
}

func (w *writer) Probe(ctx context.Context, h *resources.Host) (resources.State, error) {
	l, err := load(h, w.user)
	if err != nil {
		return resources.State{}, err
	}
	st := &writerState{file: l.file, path: l.path, parseErr: l.parseErr, owner: hostfs.Keep}
	if l.user.Exists {
		st.owner = hostfs.Owner{UID: l.user.UID, GID: l.user.GID}
	}
	if st.dirFull, err = h.Path(l.dir); err != nil {
		return resources.State{}, err
	}
	if fi, err := os.Lstat(st.dirFull); err == nil {
		st.dirMode = fi.Mode().Perm() | fs.ModeDir
	}
	if st.recFull, err = recordPath(h, w.user); err != nil {
		return resources.State{}, err
	}
	var old record
	if st.recFile, old, err = recordOf(h, w.user); err != nil {
		return resources.State{}, err
	}
	if !st.recFile.Exists && w.engineRecord != nil {
		old = *w.engineRecord
	}
	fp := h.Fingerprint([]byte(h.FileFingerprint(l.file)), st.recFile.Content, []byte{byte(st.dirMode >> 8), byte(st.dirMode)})
	state := resources.State{Exists: l.file.Exists, Fingerprint: fp, Private: st}
	if l.parseErr != nil {
		return state, nil
	}
	w.plan(ctx, h, l, old, st)
	return state, nil
}

// plan merges, renders and validates the next document.
func (w *writer) plan(ctx context.Context, h *resources.Host, l *loaded, old record, st *writerState) {
	if old.File == "" {
		old.File, old.CreatedFile = l.path, !l.file.Exists
	}
	st.merged = merge(l.doc, old, w.leaves)
	st.diags = st.merged.diags
	st.after = l.file.Content
	if st.merged.changed {
		st.after = doc.Encode(st.merged.next)
	}
	if w.orphaned && doc.Hollow(st.merged.next.Root, nil) && st.merged.next.Comments() == 0 && old.CreatedFile {
		st.removeFile, st.after = l.file.Exists, nil
	}
	rec := st.merged.rec
	w.owned = &rec
	if st.merged.changed || st.removeFile { // Diff shows the file only then
		st.shown = fileDiff(h, l.path, l.file.Content, st.after, l.doc, st.merged.next)
	}
	if l.doc != nil && l.doc.Comments() > 0 && st.merged.changed {
		st.notes = append(st.notes, fmt.Sprintf("%s has comments: clawplan keeps them with the keys they precede and rewrites the rest of the layout the way OpenClaw writes the file", l.path))
	}
	if n := st.merged.dropped; n > 0 {
		st.notes = append(st.notes, fmt.Sprintf("warning: %d comment(s) inside values that are replaced or removed will be dropped", n))
	}
	if !w.orphaned {
		d, notes := validateDoc(ctx, h, path.Dir(path.Dir(l.path)), w.prefix, st.merged.next, w.leaves, w.version)
		st.diags, st.notes = append(st.diags, d...), append(st.notes, notes...)
	}
}

// Diff shows the file write; each contributing block shows its own paths.
func (w *writer) Diff(cur resources.State) (resources.Change, error) {
	st, ok := cur.Private.(*writerState)
	if !ok {
		return resources.Change{}, fmt.Errorf("%s: diff without a probe", w.addr)
	}
	if st.parseErr != nil {
		return resources.Change{}, fmt.Errorf("%s does not parse as JSON5 (%v): clawplan will not overwrite a file it cannot read; fix it by hand, `openclaw config validate` shows where", st.path, st.parseErr)
	}
	if st.diags.HasErrors() {
		return resources.Change{}, st.diags
	}
	ch := resources.Change{Addr: w.addr, Action: resources.NoOp, Notes: append(diagNotes(st.diags), st.notes...), Private: st}
	w.modeAttrs(st, &ch)
	recChanged := !bytes.Equal(w.owned.encode(), st.recFile.Content)
	if !st.merged.changed && len(ch.Attrs) == 0 && !recChanged && !st.removeFile {
		ch.Notes = nil
		return ch, nil
	}
	ch.Action = resources.Update
	switch {
	case st.removeFile:
		ch.Action = resources.Delete
	case !st.file.Exists:
		ch.Action = resources.Create
	case w.orphaned:
		ch.Action = resources.Delete
	}
	if st.merged.changed || st.removeFile {
		ch.Files = []resources.FileDiff{st.shown}
		ch.Triggers = w.triggers
	} else if len(ch.Attrs) == 0 {
		ch.Notes = append(ch.Notes, "openclaw.json already holds the declared values; clawplan records that it owns them")
	}
	return ch, nil
}

// fileDiff is the file change as a plan may show it: credentials written
// in plain text are replaced by their fingerprints; if that cannot be done
// safely, the diff is marked sensitive and carries no content at all.
func fileDiff(h *resources.Host, path string, before, after []byte, docs ...*doc.Document) resources.FileDiff {
	b, a := string(before), string(after)
	var secrets []string
	for _, d := range docs {
		if d != nil {
			walkSecrets(nil, d.Root, func(_ doc.Path, s string) { secrets = append(secrets, s) })
		}
	}
	for _, s := range secrets {
		fp := "(sensitive, fp " + h.Fingerprint([]byte(s)) + ")"
		quoted := string(doc.EncodeValue(doc.StringValue(s)))
		for _, form := range []string{quoted[1 : len(quoted)-1], s} {
			b, a = strings.ReplaceAll(b, form, fp), strings.ReplaceAll(a, form, fp)
		}
	}
	for _, s := range secrets {
		if strings.Contains(b, s) || strings.Contains(a, s) {
			return resources.FileDiff{Path: path, Sensitive: true}
		}
	}
	return resources.FileDiff{Path: path, Before: b, After: a}
}

// modeAttrs adds the permission and owner fixes the audit asks for.
func (w *writer) modeAttrs(st *writerState, ch *resources.Change) {
	if st.removeFile {
		return
	}
	if st.file.Exists && st.file.Mode.Perm() != fileMode {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "mode", Before: resources.ModeString(st.file.Mode), After: resources.ModeString(fileMode)})
	}
	if st.dirMode != 0 && st.dirMode.Perm() != dirMode {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "directory mode", Before: resources.ModeString(st.dirMode), After: resources.ModeString(dirMode)})
	}
	if o := st.owner; st.file.Exists && o != hostfs.Keep && (st.file.UID != o.UID || st.file.GID != o.GID) {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "owner", Before: fmt.Sprintf("%d:%d", st.file.UID, st.file.GID), After: fmt.Sprintf("%d:%d", o.UID, o.GID)})
	}
}

// diagNotes turns warnings from validation into plan notes.
func diagNotes(d hcl.Diagnostics) []string {
	var out []string
	for _, x := range d {
		if x.Severity == hcl.DiagWarning {
			out = append(out, "warning: "+x.Summary+": "+x.Detail)
		}
	}
	return out
}
