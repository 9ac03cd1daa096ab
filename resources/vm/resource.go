package vm

import (
	"context"
	"path/filepath"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/zclconf/go-cty/cty"
)

// VM is one declared vm block.
type VM struct {
	addr      resources.Addr
	cfg       Config
	at        where
	nullElems []string
	badVMID   bool
}

var (
	_ resources.Resource = (*VM)(nil)
	_ resources.Exporter = (*VM)(nil)
)

// Addr returns the block's address.
func (v *VM) Addr() resources.Addr { return v.addr }

// Foundation implements resources.Foundation: packages, the service user
// and lingering come before every other resource of the manifest.
func (v *VM) Foundation() {}

// Config returns the decoded block with its defaults.
func (v *VM) Config() Config { return v.cfg }

// Export is what other blocks see as vm.NAME: the service user, its home
// and groups, and the full package list, defaults filled in.
func (v *VM) Export() cty.Value { return v.cfg.value() }

// observed is what a probe found.
type observed struct {
	checks    []Check
	installed []string // the wanted packages that are installed
	missing   []string
	service   userState
	brewUser  userState
	brew      brewState
	linger    hostfs.File
	passwd    hostfs.File
	group     hostfs.File
}

// Probe reads the guest-side settings, dpkg's status, the accounts, the
// linger file and the Homebrew permissions, all under the root.
func (v *VM) Probe(_ context.Context, h *resources.Host) (resources.State, error) {
	var o observed
	var err error
	o.checks = v.checks(h.Root)
	inst, err := installedPackages(h)
	if err != nil {
		return resources.State{}, err
	}
	o.missing = missingPackages(v.cfg.AllPackages(), inst)
	for _, p := range v.cfg.AllPackages() {
		if inst[p] {
			o.installed = append(o.installed, p)
		}
	}
	if err := v.probeAccounts(h, &o); err != nil {
		return resources.State{}, err
	}
	return resources.State{Exists: true, Fingerprint: o.fingerprint(h), Private: &o}, nil
}

// checks runs the guest-side checks the block asks for.
func (v *VM) checks(root string) []Check {
	k := checker{root: root, vmid: v.cfg.VMID, bridge: v.cfg.Bridge, flags: v.cfg.CPUFlags}
	if k.vmid == "" {
		k.vmid = "VMID"
	}
	var out []Check
	if v.cfg.HardwareChecks {
		out = k.hardware()
	}
	if v.cfg.OS != AnyOS {
		out = append(out, k.osCheck(v.cfg.OS))
	}
	return out
}

func (v *VM) probeAccounts(h *resources.Host, o *observed) error {
	var err error
	if o.passwd, err = h.ReadFile("/etc/passwd"); err != nil {
		return err
	}
	if o.group, err = h.ReadFile("/etc/group"); err != nil {
		return err
	}
	if o.service, err = probeUser(h, v.cfg.serviceUser()); err != nil {
		return err
	}
	if o.linger, err = h.ReadFile(lingerDir + v.cfg.ServiceUser); err != nil {
		return err
	}
	if !v.cfg.Homebrew {
		return nil
	}
	if o.brewUser, err = probeUser(h, brewSpec()); err != nil {
		return err
	}
	o.brew, err = probeBrew(h, v.serviceHome(o.service))
	return err
}

// serviceHome is the service user's home as the host has it, or as it
// will be created.
func (v *VM) serviceHome(st userState) string {
	if st.Exists {
		return st.Home
	}
	return v.cfg.Home()
}

func brewSpec() userSpec {
	return userSpec{Name: brewUser, Home: brewHome, Shell: DefaultShell}
}

// fingerprint changes whenever anything the block manages changes: the
// account files, lingering, the wanted packages, homes and permissions.
func (o *observed) fingerprint(h *resources.Host) string {
	var status []string
	for _, c := range o.checks {
		status = append(status, c.Name+"="+string(c.Status))
	}
	sort.Strings(status)
	homes := func(st userState) []byte {
		if !st.HomeExists {
			return []byte("no home")
		}
		return []byte(resources.ModeString(st.HomeMode))
	}
	return h.Fingerprint(
		[]byte(h.FileFingerprint(o.passwd)), []byte(h.FileFingerprint(o.group)), []byte(h.FileFingerprint(o.linger)),
		[]byte(strings.Join(o.installed, " ")), []byte(strings.Join(status, " ")),
		homes(o.service), homes(o.brewUser), []byte(h.FileFingerprint(o.brew.Bashrc)),
		[]byte(strings.Join(o.brew.Unwritable, "\x00")))
}

// bashrcPath is the .bashrc the Homebrew line goes into.
func (v *VM) bashrcPath(o *observed) string {
	return filepath.Join(v.serviceHome(o.service), ".bashrc")
}
