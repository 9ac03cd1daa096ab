package secret

import (
	"fmt"
	"path"

	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
)

// readEnvFile reads the value of source { env_file = PATH, key = VAR }:
// the line VAR=... of a dotenv file, unquoted the way the gateway's
// loader (and this package's .env writer, which quotes it) reads it; the
// last assignment wins.
func (s *Secret) readEnvFile(h *resources.Host) (value, error) {
	src := s.src
	v := value{origin: fmt.Sprintf("%s in %s", src.Key, src.EnvFile)}
	f, err := h.ReadFile(src.EnvFile)
	if err != nil {
		return v, fmt.Errorf("%s: cannot read source env_file: %v", s.addr, err)
	}
	if !f.Exists {
		return v, fmt.Errorf("%s: source env_file %s does not exist; create it or change source", s.addr, src.EnvFile)
	}
	raw, ok := currentValue(parseEnv(f.Content), src.Key)
	if !ok {
		return v, fmt.Errorf("%s: %s has no %s line; add %s=... to it or change source", s.addr, src.EnvFile, src.Key, src.Key)
	}
	v.bytes, v.known = []byte(raw), true
	return v, nil
}

// validateEnvFile checks that env_file and key go together.
func (s *Secret) validateEnvFile() hcl.Diagnostics {
	src := s.src
	switch {
	case src.Key != "" && src.EnvFile == "":
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "key"), "key goes with env_file",
			"key names the variable to read from a dotenv file: set env_file = \"/home/openclaw/.openclaw/.env\" too, or remove key.")}
	case src.EnvFile == "":
		return nil
	case !path.IsAbs(src.EnvFile):
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "env_file"), "env_file must be an absolute path",
			fmt.Sprintf("env_file = %q: name the file from the root, for example \"/home/openclaw/.openclaw/.env\".", src.EnvFile))}
	case src.Key == "":
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "env_file"), "env_file needs key",
			"Say which line to read: key = \"OPENCLAW_GATEWAY_TOKEN\".")}
	case !envNameRE.MatchString(src.Key):
		return hcl.Diagnostics{s.diag(s.rng(0, "source", "key"), "Invalid environment variable name",
			fmt.Sprintf("key = %q is not a variable name: use letters, digits and underscores, not starting with a digit.", src.Key))}
	}
	return nil
}
