package vm

import (
	"fmt"
	"strings"

	"github.com/clawplan/clawplan/resources"
)

// work is what Apply will do, computed once by Diff.
type work struct {
	Strict  []Check    // mismatches that fail the apply (strict = true)
	Install []string   // packages, one apt transaction
	Groups  []string   // groups to create (groupadd --system)
	Create  []userSpec // accounts to create, in order
	Modify  []userMod  // existing accounts to change
	// Linger is the linger file's wanted existence, nil when it is right.
	Linger       *bool
	BrewHome     bool     // chmod o+rx /home/linuxbrew
	BrewWritable []string // chmod g+w, Homebrew's prefix
	Bashrc       bool     // append the brew line
}

// userMod changes one existing account.
type userMod struct {
	Name      string
	Shell     string // "" keeps it
	AddGroups []string
}

func (w *work) empty() bool {
	return len(w.Strict)+len(w.Install)+len(w.Groups)+len(w.Create)+len(w.Modify)+len(w.BrewWritable) == 0 &&
		w.Linger == nil && !w.BrewHome && !w.Bashrc
}

// Diff computes the change: attribute changes for packages, accounts,
// lingering and Homebrew permissions, and a note per hardware mismatch.
func (v *VM) Diff(st resources.State) (resources.Change, error) {
	o := st.Private.(*observed)
	ch := resources.Change{Addr: v.addr, Action: resources.NoOp}
	w := &work{}
	v.diffChecks(o, w, &ch)
	v.diffPackages(o, w, &ch)
	v.diffAccounts(o, w, &ch)
	if v.cfg.Homebrew {
		v.diffBrew(o, w, &ch)
	}
	if !w.empty() {
		ch.Action = resources.Update
	}
	ch.Private = w
	return ch, nil
}

func (v *VM) diffChecks(o *observed, w *work, ch *resources.Change) {
	for _, c := range o.checks {
		if c.Status == OK {
			continue
		}
		ch.Notes = append(ch.Notes, c.Note())
		if c.Status == Mismatch && v.cfg.Strict {
			w.Strict = append(w.Strict, c)
			ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "checks." + c.Name, Before: c.Found, After: c.Want})
		}
	}
	if len(w.Strict) > 0 {
		ch.Notes = append(ch.Notes, "strict = true: apply fails on these mismatches before changing anything; fix them on the Proxmox host first")
	}
}

func (v *VM) diffPackages(o *observed, w *work, ch *resources.Change) {
	if len(o.missing) == 0 {
		return
	}
	w.Install = o.missing
	for _, p := range o.missing {
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "packages." + p, Before: "missing", After: "installed"})
	}
	ch.Notes = append(ch.Notes,
		fmt.Sprintf("installs %d missing package(s) in one transaction: %s", len(o.missing), strings.Join(aptCommand(o.missing), " ")),
		"packages are additive: a rollback does not uninstall them")
}

func (v *VM) diffAccounts(o *observed, w *work, ch *resources.Change) {
	want := v.cfg.serviceUser()
	creating := map[string]bool{}
	if v.cfg.Homebrew {
		v.diffUser(brewSpec(), o.brewUser, w, ch)
		creating[brewUser] = !o.brewUser.Exists
	}
	for _, g := range o.service.Absent {
		if !creating[g] {
			w.Groups = append(w.Groups, g)
		}
	}
	if len(w.Groups) > 0 {
		ch.Notes = append(ch.Notes, fmt.Sprintf("creates the missing group(s) %s as system groups (the docker package adopts an existing docker group)", strings.Join(w.Groups, ", ")))
	}
	v.diffUser(want, o.service, w, ch)
	// linger = false leaves lingering alone (the gateway service turns it
	// on for its user too): the two never fight over the file.
	if v.cfg.Linger && !o.linger.Exists {
		on := true
		w.Linger = &on
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "linger." + want.Name, Before: false, After: true})
	}
}

// diffUser plans creating or changing one account.
func (v *VM) diffUser(want userSpec, st userState, w *work, ch *resources.Change) {
	path := "users." + want.Name
	if !st.Exists {
		w.Create = append(w.Create, want)
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: path, Before: nil, After: want.view()})
		return
	}
	m := userMod{Name: want.Name, AddGroups: st.missingGroups(want)}
	if st.Shell != want.Shell {
		m.Shell = want.Shell
	}
	if st.Home != want.Home {
		ch.Notes = append(ch.Notes, fmt.Sprintf("user %s has home %s, not %s: clawplan does not move homes; OpenClaw's state lives in %s/.openclaw", want.Name, st.Home, want.Home, st.Home))
	}
	if m.Shell == "" && len(m.AddGroups) == 0 {
		return
	}
	w.Modify = append(w.Modify, m)
	after := map[string]any{"home": st.Home, "shell": want.Shell, "groups": anyList(append(append([]string{}, st.Member...), m.AddGroups...))}
	ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: path, Before: st.view(want), After: after})
	if len(m.AddGroups) > 0 {
		ch.Notes = append(ch.Notes, fmt.Sprintf("%s gets the group(s) %s at its next login: restart its services (the gateway) to use them", want.Name, strings.Join(m.AddGroups, ", ")))
	}
}

func (v *VM) diffBrew(o *observed, w *work, ch *resources.Change) {
	switch {
	case !o.brewUser.HomeExists:
		w.BrewHome = true
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "homebrew.home_mode", Before: nil, After: nil, Unknown: "useradd creates " + brewHome + "; clawplan then adds o+rx"})
	case o.brewUser.HomeMode&0o005 != 0o005:
		w.BrewHome = true
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "homebrew.home_mode", Before: resources.ModeString(o.brewUser.HomeMode), After: resources.ModeString(o.brewUser.HomeMode | 0o005)})
	}
	if n := len(o.brew.Unwritable); n > 0 {
		w.BrewWritable = o.brew.Unwritable
		ch.Attrs = append(ch.Attrs, resources.AttrChange{Path: "homebrew.group_unwritable", Before: n, After: 0})
	}
	if !o.brew.hasBrewLine() {
		w.Bashrc = true
		before := string(o.brew.Bashrc.Content)
		ch.Files = append(ch.Files, resources.FileDiff{Path: v.bashrcPath(o), Before: before, After: string(withBrewLine([]byte(before)))})
	}
	if !o.brew.PrefixExists {
		ch.Notes = append(ch.Notes, "Homebrew itself is not installed by clawplan (it downloads its installer): as linuxbrew run NONINTERACTIVE=1 /bin/bash -c \"$(curl -fsSL https://raw.githubusercontent.com/Homebrew/install/HEAD/install.sh)\", then apply again to make it group-writable")
	}
}
