package vm

import (
	"fmt"
	"strings"
)

// genericModels are the model names of QEMU's emulated CPU types (kvm64,
// qemu64, qemu32, kvm32): a guest that shows one does not run with CPU
// type host.
var genericModels = []string{"QEMU Virtual CPU", "Common KVM processor", "Common 32-bit KVM processor", "QEMU TCG CPU"}

// cpu infers CPU type host from what the guest's first CPU shows: the
// model name is the host's, not QEMU's generic one, and the modern flags
// (AVX, AVX2, ...) are there.
func (k checker) cpu() Check {
	c := Check{Name: "cpu", Want: "CPU type host (flags " + strings.Join(k.flags, ", ") + ")"}
	model, flags, ok := cpuInfo(k.read("/proc/cpuinfo"))
	if !ok {
		c.Status, c.Found = Unknown, "/proc/cpuinfo shows no x86 CPU flags"
		return c
	}
	var missing []string
	for _, f := range k.flags {
		if !flags[f] {
			missing = append(missing, f)
		}
	}
	generic := isGeneric(model)
	c.Found = fmt.Sprintf("model %q", model)
	if len(missing) > 0 {
		c.Found += ", flags lack " + strings.Join(missing, ", ")
	}
	if !generic && len(missing) == 0 {
		c.Status = OK
		return c
	}
	c.Status = Mismatch
	c.Fix = k.qm("--cpu host") + ", then stop and start the VM"
	return c
}

// cpuInfo returns the model name and flags of the first processor in a
// /proc/cpuinfo text; ok is false when it shows no flags (not x86).
func cpuInfo(text string) (model string, flags map[string]bool, ok bool) {
	flags = map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		key, val, found := strings.Cut(line, ":")
		if !found {
			if strings.TrimSpace(line) == "" && ok {
				break // end of the first processor
			}
			continue
		}
		switch strings.TrimSpace(key) {
		case "model name":
			model = strings.TrimSpace(val)
		case "flags":
			ok = true
			for _, f := range strings.Fields(val) {
				flags[f] = true
			}
		}
	}
	return model, flags, ok
}

func isGeneric(model string) bool {
	for _, g := range genericModels {
		if strings.Contains(model, g) {
			return true
		}
	}
	return false
}

// osCheck compares /etc/os-release (ID-VERSION_ID, such as ubuntu-24.04)
// with the declared OS.
func (k checker) osCheck(want string) Check {
	c := Check{Name: "os", Want: want}
	text, found, _ := readIn(k.root, "/etc/os-release")
	if !found {
		text, found, _ = readIn(k.root, "/usr/lib/os-release")
	}
	if !found {
		c.Status, c.Found = Unknown, "no /etc/os-release"
		return c
	}
	rel := osRelease(text)
	c.Found = rel["ID"] + "-" + rel["VERSION_ID"]
	if p := rel["PRETTY_NAME"]; p != "" {
		c.Found += " (" + p + ")"
	}
	if rel["ID"]+"-"+rel["VERSION_ID"] == want {
		c.Status = OK
		return c
	}
	c.Status = Mismatch
	c.Fix = fmt.Sprintf("reinstall the guest with %s, or declare the OS it runs: os = %q", prettyOS(want), rel["ID"]+"-"+rel["VERSION_ID"])
	return c
}

// osRelease parses os-release's KEY=value lines (values may be quoted).
func osRelease(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		out[k] = strings.Trim(v, `"'`)
	}
	return out
}

func prettyOS(id string) string {
	if id == DefaultOS {
		return "Ubuntu Server 24.04 LTS"
	}
	return id
}
