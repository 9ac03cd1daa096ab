package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/hashicorp/hcl/v2"
)

// TunnelKind is the cloudflared service node.
const TunnelKind = "cloudflare_tunnel"

// Paths of the unit and its 0600 token file; cloudflared reads TUNNEL_TOKEN.
const (
	UnitPath  = "/etc/systemd/system/cloudflared-openclaw.service"
	EnvPath   = "/etc/cloudflared/openclaw-tunnel.env"
	Cloudflar = "/usr/bin/cloudflared"
)

type tunnel struct {
	addr resources.Addr
	set  settings
	deps []resources.Addr
	// made are the directories the tunnel's writes created (ownership).
	made []string
}

var _ resources.Dependent = (*tunnel)(nil)

func (t *tunnel) Addr() resources.Addr        { return t.addr }
func (t *tunnel) DependsOn() []resources.Addr { return t.deps }
func (t *tunnel) Validate() hcl.Diagnostics   { return nil }

// unit is the service file: the token is only in EnvPath.
func (t *tunnel) unit() string {
	return fmt.Sprintf(`# Managed by clawplan (%s): Cloudflare Tunnel to the OpenClaw gateway.
[Unit]
Description=Cloudflare Tunnel for the OpenClaw gateway (clawplan)
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
EnvironmentFile=%s
ExecStart=%s --no-autoupdate tunnel run
Restart=on-failure
RestartSec=5s

[Install]
WantedBy=multi-user.target
`, t.addr, EnvPath, Cloudflar)
}

type tunnelState struct {
	Unit, Env     hostfs.File
	Token         string
	TokenKnown    bool
	Installed     bool
	ForeignUnitOn bool
}

// Probe reads the unit, the env file and the secret's file (its value is
// registered with the redactor and only fingerprinted).
func (t *tunnel) Probe(_ context.Context, h *resources.Host) (resources.State, error) {
	var st tunnelState
	var err error
	if st.Unit, err = h.ReadFile(UnitPath); err != nil {
		return resources.State{}, err
	}
	if st.Env, err = h.ReadFile(EnvPath); err != nil {
		return resources.State{}, err
	}
	if f, err := h.ReadFile(t.set.Tunnel.File); err == nil && f.Exists {
		st.Token, st.TokenKnown = strings.TrimSpace(string(f.Content)), true
		h.Secrets.Add(st.Token)
	}
	for _, p := range []string{Cloudflar, "/etc/systemd/system/cloudflared.service"} {
		full, _ := h.Path(p)
		_, err := os.Stat(full)
		if p == Cloudflar {
			st.Installed = err == nil
		} else {
			st.ForeignUnitOn = err == nil
		}
	}
	fp := h.Fingerprint([]byte(h.FileFingerprint(st.Unit)), []byte(h.FileFingerprint(st.Env)), []byte(st.Token))
	return resources.State{Exists: st.Unit.Exists, Fingerprint: fp, Private: st}, nil
}

func (t *tunnel) envContent(token string) []byte { return []byte("TUNNEL_TOKEN=" + token + "\n") }

// Diff shows the unit as a file diff, the token file only as changed or
// not, and the security notes.
func (t *tunnel) Diff(cur resources.State) (resources.Change, error) {
	st, _ := cur.Private.(tunnelState)
	c := resources.Change{Addr: t.addr, Action: resources.NoOp, Notes: t.securityNotes(st)}
	if string(st.Unit.Content) != t.unit() || !st.Unit.Exists {
		c.Files = append(c.Files, resources.FileDiff{Path: UnitPath, Before: string(st.Unit.Content), After: t.unit()})
	}
	envChanged := !st.TokenKnown || !st.Env.Exists || string(st.Env.Content) != string(t.envContent(st.Token)) || st.Env.Mode.Perm() != 0o600
	if envChanged {
		a := resources.AttrChange{Path: "token (" + EnvPath + ", 0600)", Sensitive: true, Before: nil, After: "(from secret." + t.set.Tunnel.Secret + ")"}
		if st.Env.Exists {
			a.Before = "(set)"
		}
		if !st.TokenKnown {
			a.Unknown = "secret." + t.set.Tunnel.Secret + " delivers " + t.set.Tunnel.File + " during this apply"
		}
		c.Attrs = append(c.Attrs, a)
	}
	if len(c.Files) > 0 || envChanged {
		c.Action = resources.Update
		if !st.Unit.Exists {
			c.Action = resources.Create
		}
	}
	return c, nil
}

// securityNotes are the seed's consequences, checked against 2026.9.6.
func (t *tunnel) securityNotes(st tunnelState) []string {
	n := []string{
		fmt.Sprintf("SECURITY: Cloudflare Tunnel publishes the gateway (origin http://localhost:%d, set in the Zero Trust dashboard) on a public hostname; the gateway token and device pairing are then all that stand between the internet and the gateway", t.set.Port),
		fmt.Sprintf("SECURITY: the seed sets gateway bind = \"lan\" behind the tunnel (this gateway: bind = %q); bind = \"lan\" listens on every interface, so the port is reachable from the LAN unless the firewall drops it, and verify's loopback-only check fails; cloudflared on this host reaches localhost, so bind = \"loopback\" also serves the tunnel", t.set.Bind),
		"SECURITY: the seed's gateway.controlUi.allowInsecureAuth = true is rejected by OpenClaw 2026.9.6 (\"Unrecognized key\") and clawplan never writes it; nothing replaces it: a browser pairs over plain HTTP with its own Ed25519 device key, and a remote browser's pairing request must be approved on the host (`openclaw devices list`, `openclaw devices approve <requestId>`)",
	}
	if !t.set.TrustedLo {
		n = append(n, "SECURITY: tunnel clients reach the gateway from 127.0.0.1, and loopback connects with the gateway token are approved silently; set trusted_proxies = [\"127.0.0.1\"] on the gateway so it reads the client address cloudflared forwards")
	}
	if !st.Installed {
		n = append(n, "manual step: cloudflared is not installed ("+Cloudflar+" missing); clawplan does not download it: fetch cloudflared-linux-amd64.deb from https://github.com/cloudflare/cloudflared/releases, `dpkg -i` it, then apply again to start cloudflared-openclaw.service. Do not run `cloudflared service install TOKEN`: it writes the token into its unit")
	}
	if st.ForeignUnitOn {
		n = append(n, "a cloudflared.service clawplan did not write exists (probably `cloudflared service install`, token in its ExecStart): clawplan leaves it alone; disable it and delete it so one tunnel runs")
	}
	return n
}

// snapshotData is the unit and env file before apply (0600 state dir).
type snapshotData struct{ Unit, Env hostfs.File }

func (t *tunnel) Snapshot(_ context.Context, h *resources.Host) (resources.Snapshot, error) {
	var d snapshotData
	for p, f := range map[string]*hostfs.File{UnitPath: &d.Unit, EnvPath: &d.Env} {
		full, err := h.Path(p)
		if err != nil {
			return resources.Snapshot{}, err
		}
		if *f, err = hostfs.Snapshot(full); err != nil {
			return resources.Snapshot{}, err
		}
	}
	raw, err := json.Marshal(d)
	return resources.Snapshot{Addr: t.addr, Data: raw}, err
}

// Apply writes the token file (mode set before the first byte) and the
// unit, then starts the service when cloudflared is installed on "/".
func (t *tunnel) Apply(ctx context.Context, h *resources.Host, c resources.Change) error {
	f, err := h.ReadFile(t.set.Tunnel.File)
	h.Forget(t.set.Tunnel.File)
	if err != nil || !f.Exists {
		return fmt.Errorf("%s: the tunnel token file %s (secret.%s) does not exist", t.addr, t.set.Tunnel.File, t.set.Tunnel.Secret)
	}
	token := strings.TrimSpace(string(f.Content))
	h.Secrets.Add(token)
	t.made = union(t.made, missingDirs(h, EnvPath, UnitPath))
	if err := t.write(h, EnvPath, t.envContent(token), 0o600); err != nil {
		return err
	}
	if err := t.write(h, UnitPath, []byte(t.unit()), 0o644); err != nil {
		return err
	}
	return t.start(ctx, h)
}

func (t *tunnel) write(h *resources.Host, p string, content []byte, mode os.FileMode) error {
	full, err := h.Path(p)
	if err != nil {
		return err
	}
	defer h.Forget(p)
	owner := hostfs.Owner{UID: 0, GID: 0}
	if h.Root != "/" {
		owner = hostfs.Keep
	}
	return hostfs.WriteAtomic(full, content, mode, 0o755, owner)
}

// start reloads systemd and (re)starts the unit, only on the real host
// with cloudflared installed; elsewhere the plan's note says why not.
func (t *tunnel) start(ctx context.Context, h *resources.Host) error {
	full, _ := h.Path(Cloudflar)
	if _, err := os.Stat(full); err != nil || h.Root != "/" {
		h.Log.Info("cloudflared not started", "addr", t.addr.String(), "why", "not installed or not the real host")
		return nil
	}
	for _, args := range [][]string{{"daemon-reload"}, {"enable", "cloudflared-openclaw.service"}, {"restart", "cloudflared-openclaw.service"}} {
		if out, err := exec.CommandContext(ctx, "systemctl", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("systemctl %s: %v: %s", strings.Join(args, " "), err, h.Secrets.Redact(string(out)))
		}
	}
	return nil
}

// Restore puts both files back byte for byte (or removes them).
func (t *tunnel) Restore(ctx context.Context, h *resources.Host, s resources.Snapshot) error {
	var d snapshotData
	if err := json.Unmarshal(s.Data, &d); err != nil {
		return err
	}
	for _, f := range []hostfs.File{d.Env, d.Unit} {
		if err := hostfs.Restore(f); err != nil {
			return err
		}
	}
	h.Forget(UnitPath)
	h.Forget(EnvPath)
	return nil
}
