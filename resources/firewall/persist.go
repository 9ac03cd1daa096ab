package firewall

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/clawplan/clawplan/resources"
)

// persistText writes the table as an nft script that replaces only this
// table: "table" creates it if absent so that "delete" cannot fail, then
// the definition. No "flush ruleset": reloading nftables.service must not
// wipe Docker's own iptables-nft tables.
func persistText(owner string, m tableModel, table string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "#!/usr/sbin/nft -f\n")
	fmt.Fprintf(&b, "# Managed by clawplan (%s). Do not edit: `clawplan plan` shows any drift\n", owner)
	fmt.Fprintf(&b, "# from the manifest and `clawplan apply` puts the table back.\n#\n")
	fmt.Fprintf(&b, "# It replaces only its own table, never the whole ruleset, so reloading\n")
	fmt.Fprintf(&b, "# nftables.service leaves Docker's iptables-nft tables alone.\n\n")
	fmt.Fprintf(&b, "table inet %s\ndelete table inet %s\n\ntable inet %s {\n", table, table, table)
	fmt.Fprintf(&b, "\tcomment %s\n", strconv.Quote(m.Comment))
	for _, s := range m.Sets {
		fmt.Fprintf(&b, "\n\tset %s {\n", s.Name)
		for _, part := range strings.Split(s.Decl, "; ") {
			fmt.Fprintf(&b, "\t\t%s\n", part)
		}
		if len(s.Elements) > 0 {
			fmt.Fprintf(&b, "\t\telements = { %s }\n", strings.Join(s.Elements, ", "))
		}
		fmt.Fprintf(&b, "\t}\n")
	}
	for _, c := range m.Chains {
		fmt.Fprintf(&b, "\n\tchain %s {\n\t\t%s\n", c.Name, c.Decl)
		for _, r := range c.Rules {
			fmt.Fprintf(&b, "\t\t%s comment %s\n", r.Text, strconv.Quote(r.Comment))
		}
		fmt.Fprintf(&b, "\t}\n")
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// confHeader starts an /etc/nftables.conf that clawplan created.
const confHeader = "#!/usr/sbin/nft -f\n# Created by clawplan to load its firewall tables at boot (nftables.service).\n# Lines added here are kept; clawplan manages only its include lines.\n"

func includeLine(path string) string { return "include " + strconv.Quote(path) }

func includeComment(owner string) string {
	return "# " + owner + " (clawplan): loads only clawplan's table; no flush ruleset"
}

// withInclude returns the main nftables file with this table's include
// line added (and everything else kept), or a new file when there was none.
func withInclude(content []byte, exists bool, owner, path string) []byte {
	block := includeComment(owner) + "\n" + includeLine(path) + "\n"
	if !exists {
		return []byte(confHeader + "\n" + block)
	}
	if hasInclude(content, path) {
		return content
	}
	out := append([]byte(nil), content...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(append(out, '\n'), block...)
}

// withoutInclude removes this table's include line (and the comment line
// above it). onlyHeader reports that what is left is just the header
// clawplan writes into a main file it created.
func withoutInclude(content []byte, owner, path string) (out []byte, onlyHeader bool) {
	lines := strings.SplitAfter(string(content), "\n")
	var kept []string
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == includeComment(owner) && i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == includeLine(path) {
			i++
			continue
		}
		if t != includeLine(path) {
			kept = append(kept, lines[i])
		}
	}
	rest := strings.TrimRight(strings.Join(kept, ""), "\n") + "\n"
	return []byte(rest), strings.HasPrefix(rest, confHeader) && strings.TrimSpace(strings.TrimPrefix(rest, confHeader)) == ""
}

// ourIncludes lists the files the main nftables file includes under this
// block's comment line: its persisted table, and any it persisted before
// persist_file or the table name changed.
func ourIncludes(content []byte, owner string) []string {
	var out []string
	lines := strings.Split(string(content), "\n")
	for i := 0; i+1 < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != includeComment(owner) {
			continue
		}
		if f := strings.Fields(lines[i+1]); len(f) == 2 && f[0] == "include" {
			if p, err := strconv.Unquote(f[1]); err == nil && filepath.IsAbs(p) && filepath.Clean(p) == p && strings.HasSuffix(p, ".nft") {
				out = append(out, p)
			}
		}
	}
	return out
}

func hasInclude(content []byte, path string) bool {
	for _, line := range bytes.Split(content, []byte("\n")) {
		if string(bytes.TrimSpace(line)) == includeLine(path) {
			return true
		}
	}
	return false
}

// flushesRuleset reports whether the file runs "flush ruleset".
func flushesRuleset(content []byte) bool {
	for _, line := range bytes.Split(content, []byte("\n")) {
		if f := strings.Fields(string(line)); len(f) >= 2 && f[0] == "flush" && f[1] == "ruleset" {
			return true
		}
	}
	return false
}

// serviceNote says whether nftables.service will load the persisted table
// at boot, from the enablement symlinks under the root.
func serviceNote(h *resources.Host) string {
	for _, target := range []string{"sysinit.target.wants", "multi-user.target.wants"} {
		dir, err := h.Path("/etc/systemd/system/" + target)
		if err != nil {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, "nftables.service")); err == nil {
			return "nftables.service is enabled (" + target + "): the persisted table is loaded at boot."
		}
	}
	for _, unit := range []string{"/lib/systemd/system/nftables.service", "/usr/lib/systemd/system/nftables.service", "/etc/systemd/system/nftables.service"} {
		if full, err := h.Path(unit); err == nil {
			if _, err := os.Stat(full); err == nil {
				return "nftables.service is installed but not enabled: the table is gone after a reboot until you run `systemctl enable nftables`."
			}
		}
	}
	return "nftables.service is not installed (apt-get install nftables): the persisted table will not be loaded at boot."
}
