package sandboximg

import (
	"fmt"
	"path"
	"strings"

	"github.com/distribution/reference"
	"github.com/hashicorp/hcl/v2"
)

// Validate checks the settings without touching the host: the tag, the
// Dockerfile's form, the container user's form, and the binds the seed
// asks for (credentials read-only, workspace read-write).
func (i *Image) Validate() hcl.Diagnostics {
	if i.orphan {
		return nil
	}
	var diags hcl.Diagnostics
	s := i.set
	if _, err := reference.ParseNormalizedNamed(s.Tag); err != nil {
		diags = append(diags, i.diag(hcl.DiagError, "Invalid sandbox image tag",
			fmt.Sprintf("image_tag %q is not a Docker image reference (%v): use NAME:TAG, such as %q.", s.Tag, err, DefaultTag)))
	}
	if s.Dockerfile != "" && !hasFrom(s.Dockerfile) {
		diags = append(diags, i.diag(hcl.DiagError, "Dockerfile without FROM",
			"The inline dockerfile has no FROM line. Give the Dockerfile's content (file(\"Dockerfile\") reads one beside the manifest) or an absolute host path to it."))
	}
	if s.HasImage() && s.Image != "" && s.Image != s.Tag {
		diags = append(diags, i.diag(hcl.DiagWarning, "Sandbox runs another image than the one built",
			fmt.Sprintf("The custom image is tagged %q but docker.image is %q, so sandboxes will not use it. Set both to the same tag.", s.Tag, s.Image)))
	}
	if s.User != "" && !validUser(s.User) {
		diags = append(diags, i.diag(hcl.DiagError, "Invalid sandbox container user",
			fmt.Sprintf("docker.user %q must be UID:GID in numbers, the service user's ids (such as \"1000:1000\").", s.User)))
	}
	for _, b := range s.Binds {
		diags = append(diags, i.checkBind(b)...)
	}
	return diags
}

// checkBind checks one "SOURCE:TARGET[:OPTIONS]" bind.
func (i *Image) checkBind(b string) hcl.Diagnostics {
	parts := strings.Split(b, ":")
	if len(parts) < 2 || len(parts) > 3 || !path.IsAbs(parts[0]) || !path.IsAbs(parts[1]) {
		return hcl.Diagnostics{i.diag(hcl.DiagError, "Invalid sandbox bind",
			fmt.Sprintf("Bind %q must be SOURCE:TARGET[:ro|rw] with absolute paths.", b))}
	}
	ro := len(parts) == 3 && hasOpt(parts[2], "ro")
	switch {
	case isCredentials(parts[0]) && !ro:
		return hcl.Diagnostics{i.diag(hcl.DiagError, "Credentials bind is writable",
			fmt.Sprintf("Bind %q mounts the credentials directory read-write: sandbox tools could change tokens. Add \":ro\".", b))}
	case isWorkspace(parts[0]) && ro:
		return hcl.Diagnostics{i.diag(hcl.DiagError, "Workspace bind is read-only",
			fmt.Sprintf("Bind %q mounts the workspace read-only: agents write their output there. Use \":rw\".", b))}
	case parts[0] == "/etc" || strings.HasPrefix(parts[0], "/etc/") || strings.HasSuffix(parts[0], "docker.sock"):
		return hcl.Diagnostics{i.diag(hcl.DiagError, "Dangerous sandbox bind",
			fmt.Sprintf("Bind %q gives sandboxes the host's /etc or the Docker socket (OpenClaw's audit: sandbox.dangerous_bind_mount, critical). Remove it.", b))}
	}
	return nil
}

func isCredentials(src string) bool { return path.Base(path.Clean(src)) == "credentials" }
func isWorkspace(src string) bool   { return strings.HasPrefix(path.Base(path.Clean(src)), "workspace") }

func hasOpt(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

func hasFrom(df string) bool {
	for _, l := range strings.Split(df, "\n") {
		if f := strings.Fields(l); len(f) > 0 && strings.EqualFold(f[0], "FROM") {
			return true
		}
	}
	return false
}

// validUser reports whether u is UID:GID in numbers.
func validUser(u string) bool {
	uid, gid, ok := strings.Cut(u, ":")
	return ok && isDigits(uid) && isDigits(gid)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (i *Image) diag(sev hcl.DiagnosticSeverity, summary, detail string) *hcl.Diagnostic {
	d := &hcl.Diagnostic{Severity: sev, Summary: summary, Detail: fmt.Sprintf("%s (checked by %s) %s", i.sandbox, i.addr, detail)}
	if i.rng != (hcl.Range{}) {
		d.Subject = i.rng.Ptr()
	}
	return d
}
