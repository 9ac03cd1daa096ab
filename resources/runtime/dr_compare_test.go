package runtime_test

import (
	"sort"
	"strings"
)

// openclawRuntime are where OpenClaw itself writes while the apply runs
// it (the gateway that gateway_service starts, the CLI that cron and the
// config validation call): its state database, caches and lock files.
// They are the application's data, as the journal is systemd's: a
// rollback stops the gateway and restores what clawplan wrote, but does
// not delete what the gateway recorded (on a host where it ran before,
// that would be its sessions and memory). They are reported as residue,
// not counted as leftovers.
//
// The list is what OpenClaw 2026.9.6 writes on its first runs, as this
// test observed; anything else that a failed apply leaves is a leftover.
var openclawRuntime = []string{
	"/home/openclaw/.openclaw/state", "/home/openclaw/.openclaw/cache", "/home/openclaw/.openclaw/tmp",
	"/home/openclaw/.openclaw/logs", "/home/openclaw/.openclaw/media", "/home/openclaw/.openclaw/config-journal-fingerprint.key",
	"/home/openclaw/.cache/openclaw",
}

// openclawProcesses are the service user's processes that OpenClaw's run
// leaves: its D-Bus session daemon, socket-activated in the user manager
// (which the apply did not start and the rollback does not stop).
var openclawProcesses = []string{" openclaw dbus-daemon"}

// stateDiff compares two hostState printouts line by line (each section
// is sorted): leftovers are the lines only one of them has, except
// OpenClaw's runtime data (residue). Lines start with "-" (before only)
// or "+" (after only).
func stateDiff(before, after string) (leftovers, residue []string) {
	b, a := lineSet(before), lineSet(after)
	for _, l := range sortedKeys(b) {
		if !a[l] {
			leftovers, residue = classify("- "+l, l, a, leftovers, residue)
		}
	}
	for _, l := range sortedKeys(a) {
		if !b[l] {
			leftovers, residue = classify("+ "+l, l, a, leftovers, residue)
		}
	}
	return leftovers, residue
}

func classify(shown, l string, after map[string]bool, leftovers, residue []string) ([]string, []string) {
	if isResidue(l, after) {
		return leftovers, append(residue, shown)
	}
	return append(leftovers, shown), residue
}

// isResidue says whether a line is OpenClaw's runtime data: a path under
// openclawRuntime, a directory that holds nothing else (~/.openclaw kept
// because the gateway wrote into it), or one of its processes.
func isResidue(l string, after map[string]bool) bool {
	for _, p := range openclawProcesses {
		if strings.HasSuffix(" "+strings.Join(strings.Fields(l), " "), p) {
			return true
		}
	}
	p := pathOf(l)
	if p == "" {
		return false
	}
	if underRuntime(p) {
		return true
	}
	if !strings.HasPrefix(l, "d ") {
		return false
	}
	holdsRuntime := false
	for o := range after {
		if q := pathOf(o); strings.HasPrefix(q, p+"/") {
			if !underRuntime(q) && !isRuntimeAncestor(q) {
				return false
			}
			holdsRuntime = true
		}
	}
	return holdsRuntime
}

func underRuntime(p string) bool {
	for _, r := range openclawRuntime {
		if strings.HasPrefix(p, r) {
			return true
		}
	}
	return false
}

// isRuntimeAncestor: ~/.openclaw and ~/.cache, which hold runtime roots.
func isRuntimeAncestor(p string) bool {
	for _, r := range openclawRuntime {
		if strings.HasPrefix(r, p+"/") {
			return true
		}
	}
	return false
}

// pathOf is the file path a files or content line names ("" for others):
// "TYPE MODE OWNER SIZE PATH [TARGET]" or "HASH  PATH".
func pathOf(l string) string {
	f := strings.Fields(l)
	switch {
	case len(f) >= 5 && len(f[0]) == 1 && strings.HasPrefix(f[4], "/"):
		return f[4]
	case len(f) == 2 && len(f[0]) == 64 && strings.HasPrefix(f[1], "/"):
		return f[1]
	}
	return ""
}

func lineSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		m[l] = true
	}
	return m
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
