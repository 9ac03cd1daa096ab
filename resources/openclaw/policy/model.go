package policy

import "github.com/hashicorp/hcl/v2"

// Config is the manifest as the rules see it.
type Config struct {
	Gateway   *Gateway // nil without a gateway block
	Providers []Provider
	Channels  []Channel
	Agents    []Agent // "defaults" first when declared
	Sandbox   *Sandbox
	// EnvSecrets are the declared secrets delivered as environment variables.
	EnvSecrets []EnvSecret
	// Levels overrides rule levels by rule id (the gateway's security_policy).
	Levels map[string]Level
}

// At is where a finding points: the block address and a source range.
type At struct {
	Block string
	Range hcl.Range
}

// Ref is a secret reference as OpenClaw will resolve it.
type Ref struct {
	Name   string // the secret block's name
	Source string // env | file | exec | store
	ID     string // the env var name for env refs
}

// Gateway is the gateway block.
type Gateway struct {
	Block       string
	Bind        At
	BindMode    string // loopback | lan | custom | tailnet | auto
	AuthMode    string // none | token | password | trusted-proxy
	Token       *Ref
	TokenAt     At
	Elevated    bool
	ElevatedAt  At
	Deny, Allow []string
	Profile     string
	ToolsAt     At
	WebSearch   bool
	WebFetch    bool // OpenClaw's default is on
	BraveKey    *Ref
	BraveKeyAt  At
}

// Provider is an llm_provider block.
type Provider struct {
	At        At
	ID        string
	BaseURL   string
	LocalOnly bool // privacy = "local-only"
}

// Channel is a channel block.
type Channel struct {
	At          At // the block
	ID          string
	DMPolicy    string
	DMAt        At
	GroupPolicy string
	GroupAt     At
}

// Agent is an agent block; ID "defaults" is agents.defaults.
type Agent struct {
	At          At
	ID          string
	Primary     string
	Fallbacks   []string
	ModelAt     At
	FallbacksAt At
	SandboxMode string // "" inherits
	Deny, Allow []string
	Profile     string
	Elevated    *bool
	ElevatedAt  At
	LocalOnly   bool
	Channels    []string // channels routed to this agent (bindings)
}

// Sandbox is the sandbox "default" block.
type Sandbox struct {
	At   At
	Mode string
}

// EnvSecret is a secret delivered as an environment variable.
type EnvSecret struct {
	At   At
	Name string
	Env  string
}
