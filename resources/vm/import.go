package vm

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

var _ resources.Importer = Kind{}

// importName is the label of the imported block (the vm kind records no
// ownership, so there is no earlier name to keep).
const importName = "host"

// Import writes one vm block describing the guest: its OS from
// /etc/os-release, the service user's groups (when an openclaw user
// exists), the seed's packages that are installed, lingering and
// Homebrew. A root without os-release is not a system's root (an image
// tree, a test root): there is no guest to describe, and nothing is
// imported. The comment lists what a plan would still change (seed
// packages that are missing: every vm block installs them).
func (Kind) Import(_ context.Context, h *resources.Host) ([]resources.ImportedBlock, error) {
	osID, ok, err := osOf(h)
	if err != nil || !ok {
		return nil, err
	}
	attrs := map[string]cty.Value{"os": cty.StringVal(osID)}
	var notes []string
	if !osPattern.MatchString(osID) {
		attrs["os"] = cty.StringVal(AnyOS)
		notes = append(notes, fmt.Sprintf("/etc/os-release names %q, which is not ID-VERSION: os = \"any\" skips the check.", osID))
	}
	if err := importAccounts(h, attrs); err != nil {
		return nil, err
	}
	inst, err := installedPackages(h)
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, p := range SeedPackages {
		if inst[p] {
			pkgs = append(pkgs, p)
		}
	}
	attrs["packages"] = importkit.Strings(pkgs)
	b := resources.ImportedBlock{Name: importName, Write: func(body *hclwrite.Body) {
		importkit.Attrs(body, []string{"os", "packages", "service_user", "groups", "linger", "homebrew"}, attrs)
	}}
	b.Comment = strings.Join(append(notes, planNotes(h, b)...), "\n")
	return []resources.ImportedBlock{b}, nil
}

// osOf is ID-VERSION_ID from os-release, as the OS check compares it.
func osOf(h *resources.Host) (string, bool, error) {
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		f, err := h.ReadSystemFile(p) // Debian: a link to ../usr/lib/os-release
		if err != nil {
			return "", false, err
		}
		if f.Exists {
			rel := osRelease(string(f.Content))
			return rel["ID"] + "-" + rel["VERSION_ID"], true, nil
		}
	}
	return "", false, nil
}

// importAccounts sets the service user's groups (every group it is a
// member of), lingering and Homebrew, when the default service user
// exists; otherwise the block will create it, as the comment says.
func importAccounts(h *resources.Host, attrs map[string]cty.Value) error {
	u, err := account.Lookup(h, DefaultServiceUser)
	if err != nil || !u.Exists {
		return err
	}
	groups, err := memberships(h, DefaultServiceUser)
	if err != nil {
		return err
	}
	attrs["groups"] = importkit.Strings(groups)
	if f, err := h.ReadFile(lingerDir + DefaultServiceUser); err != nil {
		return err
	} else if !f.Exists {
		attrs["linger"] = cty.False // false leaves lingering as it is
	}
	if brew, err := account.Lookup(h, brewUser); err != nil {
		return err
	} else if brew.Exists {
		attrs["homebrew"] = cty.True
	}
	return nil
}

// memberships are the groups /etc/group lists user in, in file order
// (Homebrew's group is the homebrew attribute's, not groups').
func memberships(h *resources.Host, user string) ([]string, error) {
	f, err := h.ReadFile("/etc/group")
	if err != nil || !f.Exists {
		return nil, err
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(f.Content))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 4 || fields[0] == brewUser {
			continue
		}
		for _, m := range strings.Split(fields[3], ",") {
			if m == user {
				out = append(out, fields[0])
			}
		}
	}
	return out, sc.Err()
}

// planNotes plans the imported block against the host and says what
// would change.
func planNotes(h *resources.Host, b resources.ImportedBlock) []string {
	r, diags := importkit.Decode(Kind{}, b, nil)
	if diags.HasErrors() {
		return []string{"clawplan refuses this block as imported: " + diags.Error()}
	}
	st, err := r.Probe(context.Background(), h)
	if err != nil {
		return []string{"planning the imported block fails: " + err.Error()}
	}
	ch, err := r.Diff(st)
	if err != nil {
		return []string{"planning the imported block fails: " + err.Error()}
	}
	var out []string
	for _, a := range ch.Attrs {
		out = append(out, "A plan changes "+a.Path+".")
	}
	if len(ch.Attrs) > 0 {
		out = append(out, "Every vm block installs the seed's packages and sets up the service user; the plan shows how.")
	}
	return out
}
