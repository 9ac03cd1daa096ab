package systemd

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/coreos/go-systemd/v22/unit"
)

// UnitName is the gateway's user unit, as OpenClaw's installer names it.
const UnitName = "openclaw-gateway.service"

// UnitDir is where user units live, relative to the user's home.
const UnitDir = ".config/systemd/user"

// WantsDir is where `systemctl --user enable` links the unit (its
// [Install] section says WantedBy=default.target), relative to the home.
const WantsDir = ".config/systemd/user/default.target.wants"

// UnitParams are the values OpenClaw's installer puts into the unit.
type UnitParams struct {
	Home   string // the service user's home
	Prefix string // the npm prefix holding node_modules/node and node_modules/openclaw
	Port   int
	// ManagedEnvKeys are the variables clawplan delivers in ~/.openclaw/.env;
	// the installer lists them in OPENCLAW_SERVICE_MANAGED_ENV_KEYS.
	ManagedEnvKeys []string
}

// NodePath is the absolute Node binary of an install prefix.
func NodePath(prefix string) string { return path.Join(prefix, "node_modules/node/bin/node") }

// EntryPath is OpenClaw's entry script in an install prefix.
func EntryPath(prefix string) string { return path.Join(prefix, "node_modules/openclaw/dist/index.js") }

// Render returns the unit OpenClaw 2026.9.6's buildSystemdUnit writes for
// these parameters, option by option and in its order: absolute node plus
// dist/index.js gateway --port N, the fixed restart policy
// (RestartPreventExitStatus=78: exit 78 means "config incomplete", which a
// restart loop cannot fix) and fixed Environment= lines. Secrets never
// appear: the gateway reads ~/.openclaw/.env itself.
func Render(p UnitParams) []*unit.UnitOption {
	port := strconv.Itoa(p.Port)
	o := func(sec, name, val string) *unit.UnitOption { return unit.NewUnitOption(sec, name, val) }
	opts := []*unit.UnitOption{
		o("Unit", "Description", "OpenClaw Gateway"),
		o("Unit", "After", "network-online.target"),
		o("Unit", "Wants", "network-online.target"),
		o("Unit", "StartLimitBurst", "10"),
		o("Unit", "StartLimitIntervalSec", "300"),
		o("Service", "ExecStart", fmt.Sprintf("%s --max-old-space-size=8192 %s gateway --port %s", NodePath(p.Prefix), EntryPath(p.Prefix), port)),
		o("Service", "Restart", "always"),
		o("Service", "RestartSec", "5"),
		o("Service", "RestartPreventExitStatus", "78"),
		o("Service", "TimeoutStopSec", "330"),
		o("Service", "TimeoutStartSec", "30"),
		o("Service", "SuccessExitStatus", "0 143"),
		o("Service", "OOMPolicy", "continue"),
		o("Service", "KillMode", "mixed"),
	}
	for _, env := range environment(p, port) {
		opts = append(opts, o("Service", "Environment", env))
	}
	return append(opts, o("Install", "WantedBy", "default.target"))
}

// environment is the installer's fixed Environment= list, quoted the way
// it quotes values with spaces.
func environment(p UnitParams, port string) []string {
	h := p.Home
	pathVar := strings.Join([]string{path.Join(p.Prefix, "node_modules/node/bin"), path.Join(p.Prefix, "node_modules/.bin"),
		"/usr/local/bin", "/usr/bin", "/bin", h + "/.local/bin", h + "/.npm-global/bin", h + "/bin", h + "/.nix-profile/bin"}, ":")
	env := []string{"HOME=" + h, "TMPDIR=/tmp", "PATH=" + pathVar, "NODE_OPTIONS=", "OPENCLAW_GATEWAY_PORT=" + port,
		"OPENCLAW_SYSTEMD_UNIT=" + UnitName, `"OPENCLAW_WINDOWS_TASK_NAME=OpenClaw Gateway"`,
		"OPENCLAW_WINDOWS_TASK_HIDDEN_LAUNCHER=1", "OPENCLAW_SERVICE_MARKER=openclaw", "OPENCLAW_SERVICE_KIND=gateway"}
	if len(p.ManagedEnvKeys) > 0 {
		keys := append([]string(nil), p.ManagedEnvKeys...)
		sort.Strings(keys)
		env = append(env, "OPENCLAW_SERVICE_MANAGED_ENV_KEYS="+strings.Join(keys, ","))
	}
	return env
}

// Serialize writes options as a unit file.
func Serialize(opts []*unit.UnitOption) []byte {
	b, _ := io.ReadAll(unit.Serialize(opts))
	return b
}

// Parse reads a unit file into its options.
func Parse(b []byte) ([]*unit.UnitOption, error) {
	return unit.DeserializeOptions(bytes.NewReader(b))
}
