package network

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"gopkg.in/yaml.v3"
)

// sibling is another netplan file on the host that matters to a block:
// netplan merges every file in its directories, so a file this block wrote
// under an earlier netplan_file, or a file that configures the same
// interface (cloud-init's 50-cloud-init.yaml), changes what the block means.
type sibling struct {
	path string
	file hostfs.File
	// stale: the file carries this block's "created" marker, so it is
	// clawplan's to delete.
	stale bool
	// adopted: it carries this block's "adopted" marker; it stays.
	adopted bool
	// sameIface: it configures the block's interface too.
	sameIface bool
}

// probeSiblings lists the netplan files, other than those in skip, that
// carry addr's marker or configure iface ("" for none).
func probeSiblings(h *resources.Host, addr resources.Addr, iface string, skip ...string) ([]sibling, error) {
	var out []sibling
	for _, dir := range netplanDirs {
		names, err := yamlFiles(h, dir)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			p := path.Join(dir, name)
			if slices.Contains(skip, p) {
				continue
			}
			f, err := h.ReadFile(p)
			if err != nil || !f.Exists {
				continue // a symlink or unreadable file: netplan's business, not ours
			}
			if s := classify(p, f, addr, iface); s.stale || s.adopted || s.sameIface {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// yamlFiles returns the *.yaml names in the host directory dir, sorted.
func yamlFiles(h *resources.Host, dir string) ([]string, error) {
	full, err := h.Path(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".yaml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

func classify(p string, f hostfs.File, addr resources.Addr, iface string) sibling {
	s := sibling{path: p, file: f}
	if owner, o, ok := readMarker(f.Content); ok && owner == addr.String() {
		s.stale, s.adopted = o == created, o == adopted
		return s
	}
	if iface != "" {
		var doc netplanFile
		if yaml.Unmarshal(f.Content, &doc) == nil {
			_, s.sameIface = doc.Network.Ethernets[iface]
		}
	}
	return s
}

// staleEdits are the deletions of the files this block created earlier.
func staleEdits(sibs []sibling, ch *resources.Change, p *edits) {
	for _, s := range sibs {
		switch {
		case s.stale:
			p.files = append(p.files, fileEdit{path: s.path, before: s.file, remove: true})
			ch.Files = append(ch.Files, fileDiff(s.path, s.file, nil))
			ch.Notes = append(ch.Notes, "Deletes "+s.path+", which clawplan created for "+ch.Addr.String()+" under earlier settings (its first line says so).")
		case s.adopted:
			ch.Notes = append(ch.Notes, s.path+" still says clawplan manages it for "+ch.Addr.String()+" but stays, as it existed before clawplan: netplan merges it with the other files; remove it by hand if it is obsolete.")
		case s.sameIface:
			ch.Notes = append(ch.Notes, s.path+" also configures this interface, and netplan merges the two files (in name order), so its settings apply too. Remove the interface from it (for cloud-init's file, disable cloud-init's network configuration).")
		}
	}
}

// stalePaths are the sibling files Apply may delete, for the snapshot.
func stalePaths(h *resources.Host, addr resources.Addr, skip ...string) ([]string, error) {
	sibs, err := probeSiblings(h, addr, "", skip...)
	var out []string
	for _, s := range sibs {
		if s.stale {
			out = append(out, s.path)
		}
	}
	return out, err
}
