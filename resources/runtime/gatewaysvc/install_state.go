package gatewaysvc

import (
	"encoding/json"
	"fmt"
	"os"
	"path"

	"github.com/Masterminds/semver/v3"
	"github.com/clawplan/clawplan/resources"
)

// minNode is the Node.js requirement assumed until the wanted OpenClaw is
// installed and its package.json names its own.
const minNode = ">=24.16.0"

// installed is what an install prefix holds, read from package.json files.
type installed struct {
	OpenClaw string `json:"openclaw,omitempty"` // "" when not installed
	Engines  string `json:"engines,omitempty"`  // openclaw's engines.node
	Node     string `json:"node,omitempty"`     // "" when not installed
	NodeBin  bool   `json:"node_bin"`           // the node binary exists
}

type pkgJSON struct {
	Version string `json:"version"`
	Engines struct {
		Node string `json:"node"`
	} `json:"engines"`
}

// readInstalled reads the versions in prefix without running node.
func readInstalled(h *resources.Host, prefix string) (installed, error) {
	var in installed
	oc, err := readPkg(h, path.Join(prefix, "node_modules/openclaw/package.json"))
	if err != nil {
		return in, err
	}
	node, err := readPkg(h, path.Join(prefix, "node_modules/node/package.json"))
	if err != nil {
		return in, err
	}
	in.OpenClaw, in.Engines, in.Node = oc.Version, oc.Engines.Node, node.Version
	if full, err := h.Path(path.Join(prefix, "node_modules/node/bin/node")); err == nil {
		fi, err := os.Stat(full)
		in.NodeBin = err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
	}
	return in, nil
}

func readPkg(h *resources.Host, p string) (pkgJSON, error) {
	var pj pkgJSON
	f, err := h.ReadFile(p)
	if err != nil || !f.Exists {
		return pj, err
	}
	if err := json.Unmarshal(f.Content, &pj); err != nil {
		return pj, fmt.Errorf("%s: %w", p, err)
	}
	return pj, nil
}

// nodeRequirement is the Node.js range the wanted OpenClaw needs, as far
// as the host can tell.
func (in installed) nodeRequirement(want string) string {
	if in.OpenClaw == want && in.Engines != "" {
		return in.Engines
	}
	return minNode
}

// nodeOK reports whether the installed Node satisfies the requirement.
func (in installed) nodeOK(want string) bool {
	if in.Node == "" || !in.NodeBin {
		return false
	}
	v, err := semver.NewVersion(in.Node)
	if err != nil {
		return false
	}
	c, err := semver.NewConstraint(in.nodeRequirement(want))
	return err == nil && c.Check(v)
}

// ok reports whether the prefix holds the wanted OpenClaw on a Node that
// satisfies it.
func (in installed) ok(want string) bool { return in.OpenClaw == want && in.nodeOK(want) }
