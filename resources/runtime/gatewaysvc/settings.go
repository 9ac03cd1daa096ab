package gatewaysvc

import (
	"fmt"
	"path"

	"github.com/clawplan/clawplan/resources/runtime/internal/export"
	"github.com/clawplan/clawplan/resources/runtime/systemd"
	"github.com/clawplan/clawplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// Defaults for what a gateway block may leave out.
const (
	DefaultUser = "openclaw"
	DefaultPort = 18789
	DefaultBind = "loopback"
	// DefaultNode is the npm spec of the Node.js package installed beside
	// OpenClaw: today's OpenClaw requires Node >= 24.16.
	DefaultNode = "24"
)

// Settings are what gateway_service needs from its gateway block.
type Settings struct {
	User    string `json:"user"`
	Port    int    `json:"port"`
	Bind    string `json:"bind"`
	Version string `json:"openclaw_version"`
	// Prefix is the npm prefix to install into; empty means
	// HOME/.openclaw/runtime/VERSION.
	Prefix string `json:"install_prefix,omitempty"`
	// Node is the npm version spec of the node package to install.
	Node string `json:"node"`
	// ManagedEnvKeys are the variables clawplan delivers in ~/.openclaw/.env.
	ManagedEnvKeys []string `json:"managed_env_keys,omitempty"`
}

// FromExport reads a gateway block's exported object. Absent attributes
// take the defaults; install_prefix and node are optional extensions a
// gateway block may export.
func FromExport(v cty.Value) (Settings, error) {
	var s Settings
	var errs [6]error
	s.User, errs[0] = export.String(v, "user", DefaultUser)
	s.Port, errs[1] = export.Int(v, "port", DefaultPort)
	s.Bind, errs[2] = export.String(v, "bind", DefaultBind)
	s.Version, errs[3] = export.String(v, "openclaw_version", schema.OpenClawVersion)
	s.Prefix, errs[4] = export.String(v, "install_prefix", "")
	s.Node, errs[5] = export.String(v, "node", DefaultNode)
	for _, err := range errs {
		if err != nil {
			return s, err
		}
	}
	return s, s.check()
}

func (s Settings) check() error {
	switch {
	case s.Port < 1 || s.Port > 65535:
		return fmt.Errorf("port %d is not a TCP port (1-65535)", s.Port)
	case s.Prefix != "" && !path.IsAbs(s.Prefix):
		return fmt.Errorf("install_prefix %q must be an absolute path", s.Prefix)
	case s.Version == "":
		return fmt.Errorf("openclaw_version is empty")
	}
	return nil
}

// InstallPrefix is where OpenClaw is installed for a user whose home is home.
func (s Settings) InstallPrefix(home string) string {
	if s.Prefix != "" {
		return s.Prefix
	}
	return path.Join(home, ".openclaw/runtime", s.Version)
}

// OpenClawCommand is how to run the OpenClaw CLI this gateway installs for
// a user whose home is home: the pinned Node and OpenClaw's entry script;
// append the CLI's arguments. Run it as the user, with HOME set.
func (s Settings) OpenClawCommand(home string) []string {
	p := s.InstallPrefix(home)
	return []string{systemd.NodePath(p), systemd.EntryPath(p)}
}
