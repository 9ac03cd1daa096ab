package secret

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

var (
	envNameRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	sinkEnvRE  = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,127}$`)
	userNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
)

// wrongBrave are spellings of the Brave Search key that OpenClaw silently
// ignores: it reads BRAVE_API_KEY and nothing else.
var wrongBrave = map[string]bool{
	"OPENCLAW_WEB_SEARCH_API_KEY": true, "OPENCLAW_BRAVE_API_KEY": true, "WEB_SEARCH_API_KEY": true,
	"BRAVE_SEARCH_API_KEY": true, "BRAVE_SEARCH_KEY": true, "BRAVE_SEARCH_TOKEN": true,
	"BRAVE_KEY": true, "BRAVE_TOKEN": true, "BRAVE_API_TOKEN": true, "BRAVE_APIKEY": true,
}

// Validate checks the block without touching the host.
func (s *Secret) Validate() hcl.Diagnostics {
	if s.orphan != nil {
		return nil
	}
	diags := s.validateSource()
	diags = append(diags, s.validateSinks()...)
	if !userNameRE.MatchString(s.user) {
		diags = append(diags, s.diag(s.rng(0, "user"), "Invalid service user",
			fmt.Sprintf("user = %q is not a user name: use the account the gateway runs as, such as \"openclaw\".", s.user)))
	}
	return diags
}

func (s *Secret) validateSource() hcl.Diagnostics {
	src := s.src
	if d := s.validateEnvFile(); d != nil {
		return d
	}
	set := 0
	for _, on := range []bool{src.Env != "", src.File != "", src.EnvFile != "", src.Command != nil, src.Generate != nil} {
		if on {
			set++
		}
	}
	if set != 1 {
		return hcl.Diagnostics{s.diag(s.rng(0, "source"), "Secret needs exactly one source",
			"Set exactly one of env = \"VAR\", file = \"/path\", env_file = \"/path/.env\" with key = \"VAR\", command = [\"prog\", \"arg\"] or a generate { length = 48 } block inside source.")}
	}
	switch {
	case src.Env != "" && !envNameRE.MatchString(src.Env):
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "env"), "Invalid environment variable name",
			fmt.Sprintf("%q is not a variable name: use letters, digits and underscores, not starting with a digit.", src.Env))}
	case src.File != "" && !path.IsAbs(src.File):
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "file"), "Source file must be an absolute path",
			fmt.Sprintf("file = %q: name the file from the root, for example \"/etc/clawplan/telegram-token\".", src.File))}
	case src.Command != nil && (len(src.Command) == 0 || src.Command[0] == ""):
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "command"), "Empty command",
			"command takes the program and its arguments, such as [\"pass\", \"show\", \"openclaw/gateway\"]; no shell is involved.")}
	case src.TimeoutText != "" && (src.Timeout <= 0 || src.Timeout > maxTimeout):
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "timeout"), "Invalid command timeout",
			fmt.Sprintf("timeout = %q: give a duration between 1s and %s, such as \"10s\".", src.TimeoutText, maxTimeout))}
	case src.TimeoutText != "" && src.Command == nil:
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "timeout"), "timeout applies to command sources only",
			"Remove timeout, or read the secret with command = [...].")}
	case src.Generate != nil:
		return s.validateGenerate()
	}
	return nil
}

func (s *Secret) validateGenerate() hcl.Diagnostics {
	g := s.src.Generate
	if g.Length < minLength || g.Length > maxLength {
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "generate", "length"), "Invalid generated length",
			fmt.Sprintf("length must be a whole number from %d to %d characters; 48 is a good gateway token.", minLength, maxLength))}
	}
	if _, ok := alphabets[g.Alphabet]; !ok {
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "generate", "alphabet"), "Unknown alphabet",
			fmt.Sprintf("alphabet = %q: use \"hex\", \"base64url\" or \"alnum\".", g.Alphabet))}
	}
	return nil
}

func (s *Secret) validateSinks() hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]bool{}
	for i, k := range s.sinks {
		if k.Env == "" && (k.File == "" || k.File == "false") {
			diags = append(diags, s.diag(s.rng(i, "deliver"), "Empty deliver block",
				"Say where the secret goes: env = \"VAR\" (the service user's ~/.openclaw/.env), file = true (~/.openclaw/credentials/NAME) or file = \"/path\"."))
		}
		diags = append(diags, s.validateSinkEnv(i, k.Env, seen)...)
		diags = append(diags, s.validateSinkFile(i, k.File)...)
	}
	return diags
}

func (s *Secret) validateSinkEnv(i int, name string, seen map[string]bool) hcl.Diagnostics {
	if name == "" {
		return nil
	}
	rng := s.rng(i, "deliver", "env")
	switch {
	case wrongBrave[name]:
		return hcl.Diagnostics{s.diag(rng, "Wrong Brave Search variable",
			fmt.Sprintf("OpenClaw reads the Brave Search key from BRAVE_API_KEY and silently ignores %s: write env = \"BRAVE_API_KEY\".", name))}
	case !sinkEnvRE.MatchString(name):
		return hcl.Diagnostics{s.diag(rng, "Invalid environment variable name",
			fmt.Sprintf("%q cannot be an OpenClaw secret reference: use upper-case letters, digits and underscores, starting with a letter (at most 128).", name))}
	case seen[name]:
		return hcl.Diagnostics{s.diag(rng, "Duplicate environment variable", fmt.Sprintf("%s is delivered twice by this secret; remove one.", name))}
	}
	seen[name] = true
	if strings.Contains(name, "BRAVE") && name != "BRAVE_API_KEY" {
		return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Unusual Brave Search variable",
			Detail:  fmt.Sprintf("%s.deliver: OpenClaw reads the Brave Search key only from BRAVE_API_KEY; %s is ignored unless something else reads it.", s.addr, name),
			Subject: rng}}
	}
	return nil
}

func (s *Secret) validateSinkFile(i int, file string) hcl.Diagnostics {
	if file == "" || file == "true" || file == "false" || path.IsAbs(file) || strings.HasPrefix(file, "~/") {
		if strings.Contains(file, "/../") || strings.HasSuffix(file, "/..") {
			return hcl.Diagnostics{s.diag(s.rng(i, "deliver", "file"), "Invalid credentials file path", "Name the file directly, without \"..\".")}
		}
		return nil
	}
	return hcl.Diagnostics{s.diag(s.rng(i, "deliver", "file"), "Invalid credentials file",
		fmt.Sprintf("file = %q: use true (~/.openclaw/credentials/%s), an absolute path, or a path starting with ~/ (the service user's home).", file, s.addr.Name))}
}

// diag is an error diagnostic about this secret.
func (s *Secret) diag(subject *hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: s.addr.String() + ": " + detail, Subject: subject}
}

// rng returns the source range of the attribute or block at p: block types
// then, optionally, an attribute; idx picks among blocks of the first type.
func (s *Secret) rng(idx int, p ...string) *hcl.Range {
	if s.body == nil {
		return nil
	}
	body, last := s.body, (*hcl.Range)(nil)
	for n, step := range p {
		content, _, _ := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: step}}})
		if a, ok := content.Attributes[step]; ok && n == len(p)-1 {
			return a.Expr.Range().Ptr()
		}
		content, _, _ = body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: step}}})
		i := 0
		if n == 0 {
			i = idx
		}
		if i >= len(content.Blocks) {
			return last
		}
		body, last = content.Blocks[i].Body, content.Blocks[i].DefRange.Ptr()
	}
	return last
}
