package vm

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/hashicorp/hcl/v2"
)

var (
	osPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9._]*-[0-9][0-9.]*$`)
	packagePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	namePattern    = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	bridgePattern  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,15}$`)
	flagPattern    = regexp.MustCompile(`^[a-z0-9_]+$`)
)

// Validate checks the block's values; it touches nothing on the host.
func (v *VM) Validate() hcl.Diagnostics {
	var diags hcl.Diagnostics
	bad := func(attr, summary, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: v.at.at(attr)})
	}
	sort.Strings(v.nullElems)
	for _, name := range v.nullElems {
		bad(name, "Null in "+name, name+" has a null element. Remove it, or give a value.")
	}
	c := v.cfg
	if c.OS != AnyOS && !osPattern.MatchString(c.OS) {
		bad("os", "Invalid OS", fmt.Sprintf("os %q must be ID-VERSION as /etc/os-release names it, such as \"ubuntu-24.04\" or \"debian-12\", or \"any\" to skip the check.", c.OS))
	}
	if n, err := strconv.ParseUint(c.VMID, 10, 32); v.badVMID || c.VMID != "" && (err != nil || n < 100 || n > 999999999) {
		bad("vmid", "Invalid VM id", fmt.Sprintf("vmid %s must be a whole number from 100 to 999999999, the id Proxmox shows for this VM.", c.VMID))
	}
	if !bridgePattern.MatchString(c.Bridge) {
		bad("bridge", "Invalid bridge", fmt.Sprintf("bridge %q must be a Proxmox bridge name such as \"vmbr0\".", c.Bridge))
	}
	diags = append(diags, v.validateNames()...)
	for _, f := range c.CPUFlags {
		if !flagPattern.MatchString(f) {
			bad("cpu_flags", "Invalid CPU flag", fmt.Sprintf("%q is not a CPU flag as /proc/cpuinfo writes it (lower case, such as \"avx2\").", f))
		}
	}
	return diags
}

// validateNames checks package, user and group names.
func (v *VM) validateNames() hcl.Diagnostics {
	var diags hcl.Diagnostics
	bad := func(attr, summary, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: v.at.at(attr)})
	}
	c := v.cfg
	for _, p := range c.Packages {
		if !packagePattern.MatchString(p) {
			bad("packages", "Invalid package name", fmt.Sprintf("%q is not a Debian package name (lower case letters, digits, + - and ., at least two characters).", p))
		}
	}
	switch {
	case !namePattern.MatchString(c.ServiceUser):
		bad("service_user", "Invalid user name", fmt.Sprintf("service_user %q must start with a lower-case letter or _, then letters, digits, _ or -, at most 32 characters.", c.ServiceUser))
	case c.ServiceUser == "root":
		bad("service_user", "Gateway must not run as root", "service_user must be an unprivileged account, such as the default \"openclaw\".")
	case c.Homebrew && c.ServiceUser == brewUser:
		bad("service_user", "Service user clashes with Homebrew", "With homebrew = true, linuxbrew is Homebrew's own account; choose another service_user.")
	}
	for _, g := range c.Groups {
		if !namePattern.MatchString(g) {
			bad("groups", "Invalid group name", fmt.Sprintf("%q is not a valid group name.", g))
		}
	}
	return diags
}
