package openclaw

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/openclaw/ocli"
)

// openclawEnv names the openclaw binary to use instead of the one on PATH;
// "off" means: treat OpenClaw as not installed.
const openclawEnv = "CLAWPLAN_OPENCLAW"

// installation is the OpenClaw CLI found on this machine.
type installation struct {
	bin     string
	version string
}

// findOpenClaw locates the CLI and reads its version from its package.json,
// without starting Node (the plan's hot path never runs the CLI): the
// CLAWPLAN_OPENCLAW override, then the install the gateway service made
// for the service user (home/.openclaw/runtime/VERSION, under the root),
// then PATH.
func findOpenClaw(h *resources.Host, home, prefix, version string) (*installation, error) {
	v, err := h.Memo("openclaw.installation:"+home+"\x00"+prefix, func() (any, error) {
		bin := os.Getenv(openclawEnv)
		if bin == "off" {
			return (*installation)(nil), nil
		}
		if bin == "" && prefix != "" {
			bin = prefixInstall(h, prefix)
		}
		if bin == "" && home != "" {
			bin = prefixInstall(h, filepath.Join(home, ".openclaw/runtime", version))
		}
		if bin == "" {
			p, err := exec.LookPath("openclaw")
			if err != nil {
				return (*installation)(nil), nil
			}
			bin = p
		}
		ver, err := packageVersion(bin)
		if err != nil {
			return nil, err
		}
		return &installation{bin: bin, version: ver}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*installation), nil
}

// prefixInstall is the openclaw binary of an npm install prefix on the
// host (the gateway block's install_prefix, or the service user's pinned
// ~/.openclaw/runtime/VERSION), if it exists.
func prefixInstall(h *resources.Host, prefix string) string {
	bin, _ := ocli.InPrefix(h, prefix)
	return bin
}

// packageVersion follows the bin symlink into node_modules/openclaw and
// reads the version of its package.json.
func packageVersion(bin string) (string, error) {
	real, err := filepath.EvalSymlinks(bin)
	if err != nil {
		return "", fmt.Errorf("openclaw at %s: %w", bin, err)
	}
	dir := filepath.Dir(real)
	for i := 0; i < 4; i++ {
		b, err := os.ReadFile(filepath.Join(dir, "package.json"))
		var pkg struct{ Name, Version string }
		if err == nil && json.Unmarshal(b, &pkg) == nil && pkg.Name == "openclaw" && pkg.Version != "" {
			return pkg.Version, nil
		}
		dir = filepath.Dir(dir)
	}
	return "", fmt.Errorf("openclaw at %s: no package.json of the openclaw package next to it; set %s to the openclaw binary of an npm install", bin, openclawEnv)
}

// schemaCache is where the JSON Schema of one OpenClaw version is kept.
func schemaCache(h *resources.Host, version string) string {
	return filepath.Join(h.StateDir, "openclaw", "schema", "openclaw-"+version+".json")
}

// fetchSchema runs `openclaw config schema` once for this version, offline
// and with a throw-away HOME so the CLI cannot touch the user's state, and
// caches the output 0600 in the state directory.
func fetchSchema(ctx context.Context, h *resources.Host, inst *installation) ([]byte, error) {
	home, err := os.MkdirTemp("", "clawplan-openclaw-schema-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(home)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, inst.bin, "config", "schema")
	cmd.Env = offlineEnv(home, filepath.Dir(inst.bin))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s config schema: %w: %s", inst.bin, err, strings.TrimSpace(stderr.String()))
	}
	var probe struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(out, &probe) != nil || len(probe.Properties) == 0 {
		return nil, fmt.Errorf("%s config schema printed no JSON Schema", inst.bin)
	}
	if err := hostfs.WriteAtomic(schemaCache(h, inst.version), out, fileMode, dirMode, hostfs.Keep); err != nil {
		return nil, err
	}
	return out, nil
}

// offlineEnv keeps OpenClaw from reaching npm or its model catalog.
func offlineEnv(home, binDir string) []string {
	return []string{"HOME=" + home, "PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"npm_config_offline=true", "npm_config_registry=http://127.0.0.1:9/", "NO_COLOR=1", "LANG=C.UTF-8"}
}
