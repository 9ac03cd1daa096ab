package secret

import (
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

const (
	defaultUser     = "openclaw"
	defaultTimeout  = 10 * time.Second
	defaultLength   = 48
	defaultAlphabet = "hex"
	// gatewayTokenEnv is the variable the gateway reads its token from.
	gatewayTokenEnv = "OPENCLAW_GATEWAY_TOKEN"
)

// source is where a secret's value comes from: exactly one of the fields.
type source struct {
	Env         string
	File        string
	EnvFile     string // a dotenv file, read at Key
	Key         string
	Command     []string
	Timeout     time.Duration
	TimeoutText string
	Generate    *generateSpec
}

// generateSpec is a value clawplan generates once and keeps.
type generateSpec struct {
	Length   int
	Alphabet string
}

// sink is one deliver block: an environment variable, a credentials file
// ("true" for the default path, an absolute or ~/ path), or both.
type sink struct {
	Env  string
	File string
}

// Secret is one secret block, decoded.
type Secret struct {
	addr  resources.Addr
	body  hcl.Body // nil for orphans, and once the manifest is validated
	src   source
	sinks []sink
	user  string
	// orphan is set when the block was removed and this secret only deletes.
	orphan *ownRecord

	mu       sync.Mutex
	gateways []resources.Addr // gateway blocks to restart when the value changes
	rotate   bool             // Replace asked for a new value
	// gatewayAuth is set when a gateway block's auth_token is this secret.
	gatewayAuth bool
	applied     []byte     // the value Apply delivered, for the .env writer
	resolved    *ownRecord // what the last probe resolved, for Ownership
}

var (
	_ resources.Resource       = (*Secret)(nil)
	_ resources.Exporter       = (*Secret)(nil)
	_ resources.Replacer       = (*Secret)(nil)
	_ resources.Owner          = (*Secret)(nil)
	_ resources.CrossValidator = (*Secret)(nil)
	_ resources.SourceHolder   = (*Secret)(nil)
)

// Addr returns secret.NAME.
func (s *Secret) Addr() resources.Addr { return s.addr }

// ReleaseSource drops the block body once its diagnostics are done.
func (s *Secret) ReleaseSource() { s.body = nil }

// Export is what other blocks see as secret.NAME: where the value is
// delivered and OpenClaw's SecretRef for it, never the value.
func (s *Secret) Export() cty.Value {
	env, file := cty.NullVal(cty.String), cty.NullVal(cty.String)
	if e := s.envNames(); len(e) > 0 {
		env = cty.StringVal(e[0])
	}
	if f := s.filePaths(s.assumedHome()); len(f) > 0 {
		file = cty.StringVal(f[0])
	}
	ref := map[string]cty.Value{"source": cty.StringVal("file"), "provider": cty.StringVal(s.Alias()), "id": cty.StringVal("value")}
	if !env.IsNull() {
		ref = map[string]cty.Value{"source": cty.StringVal("env"), "provider": cty.StringVal("default"), "id": env}
	}
	return cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(s.addr.Name), "env": env, "file": file, "ref": cty.ObjectVal(ref)})
}

var aliasBad = regexp.MustCompile(`[^a-z0-9_-]`)

// Alias is the secrets.providers key a file SecretRef names: the secret's
// name made to match OpenClaw's ^[a-z][a-z0-9_-]{0,63}$, never "default"
// (the built-in env provider).
func (s *Secret) Alias() string {
	a := aliasBad.ReplaceAllString(strings.ToLower(s.addr.Name), "_")
	if a == "" || a[0] < 'a' || a[0] > 'z' || a == "default" {
		a = "secret_" + a
	}
	if len(a) > 64 {
		a = a[:64]
	}
	return a
}

// envNames returns the environment variables the secret is delivered as.
func (s *Secret) envNames() []string {
	var out []string
	for _, k := range s.sinks {
		if k.Env != "" {
			out = append(out, k.Env)
		}
	}
	return out
}

// assumedHome is the home directory exported paths are built from: the
// conventional /home/USER. Probe refuses a user whose home differs.
func (s *Secret) assumedHome() string { return "/home/" + s.user }

// filePaths returns the host paths of the credentials files, for home.
func (s *Secret) filePaths(home string) []string {
	var out []string
	for _, k := range s.sinks {
		switch {
		case k.File == "" || k.File == "false":
		case k.File == "true":
			out = append(out, path.Join(home, ".openclaw/credentials", s.addr.Name))
		case strings.HasPrefix(k.File, "~/"):
			out = append(out, path.Join(home, k.File[2:]))
		default:
			out = append(out, path.Clean(k.File))
		}
	}
	return out
}

// homeRelative reports whether any credentials file path depends on the home.
func (s *Secret) homeRelative() bool {
	for _, k := range s.sinks {
		if k.File == "true" || strings.HasPrefix(k.File, "~/") {
			return true
		}
	}
	return false
}

// usesCredentialsDir reports whether a credentials file lives in the
// default credentials directory, whose mode and owner the secret enforces.
func (s *Secret) usesCredentialsDir(home string) bool {
	for _, p := range s.filePaths(s.assumedHome()) {
		if path.Dir(p) == credentialsDir(home) {
			return true
		}
	}
	return false
}

// credentialsDir is the directory whose mode and owner a secret enforces.
func credentialsDir(home string) string { return path.Join(home, ".openclaw/credentials") }

// envFilePath is the service user's .env, which the gateway loads itself.
func envFilePath(home string) string { return path.Join(home, ".openclaw/.env") }

// configPath is the service user's openclaw.json.
func configPath(home string) string { return path.Join(home, ".openclaw/openclaw.json") }

func (s *Secret) setGateways(c resources.Catalog) {
	var gws []resources.Addr
	for _, g := range c.OfKind("gateway") {
		// The runtime side (gateway_service.NAME) is what restarts.
		gws = append(gws, resources.Addr{Kind: "gateway_service", Name: g.Addr().Name})
	}
	s.mu.Lock()
	s.gateways = gws
	s.mu.Unlock()
}

func (s *Secret) triggers() []resources.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]resources.Addr(nil), s.gateways...)
}
