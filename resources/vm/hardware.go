package vm

import (
	"fmt"
	"strings"
)

// Status is the outcome of one guest-side check.
type Status string

// The outcomes: as recommended, not as recommended, or not decidable from
// inside the guest (the evidence is missing).
const (
	OK       Status = "ok"
	Mismatch Status = "mismatch"
	Unknown  Status = "unknown"
)

// Check is one recommended VM setting as the guest sees it.
type Check struct {
	Name   string `json:"name"`  // firmware, machine, cpu, disk, network, guest_agent, os
	Want   string `json:"want"`  // the recommendation
	Found  string `json:"found"` // what the guest shows, with the evidence
	Status Status `json:"status"`
	// Fix is the manual action that resolves a mismatch: the Proxmox
	// command, run on the Proxmox host, or what to do in the guest.
	Fix string `json:"fix,omitempty"`
}

// Note renders a check that is not OK as one plan note.
func (c Check) Note() string {
	if c.Status == Unknown {
		return fmt.Sprintf("could not verify %s (want %s): %s", c.Name, c.Want, c.Found)
	}
	return fmt.Sprintf("manual action (%s): found %s, want %s; %s", c.Name, c.Found, c.Want, c.Fix)
}

// checker runs the guest-side checks against one root.
type checker struct {
	root   string
	vmid   string // "VMID" when the block gives none
	bridge string
	flags  []string // CPU flags that CPU type host must show
}

// hardware runs every guest-side hardware check. The OS check is separate
// (osCheck): it is not a VM setting and runs even when these are off.
func (k checker) hardware() []Check {
	return []Check{k.firmware(), k.machine(), k.cpu(), k.disks(), k.nics(), k.agent()}
}

// qm is a Proxmox command for this VM.
func (k checker) qm(args string) string {
	return fmt.Sprintf("on the Proxmox host run: qm set %s %s", k.vmid, args)
}

// firmware: UEFI (OVMF) shows /sys/firmware/efi; SeaBIOS does not.
func (k checker) firmware() Check {
	c := Check{Name: "firmware", Want: "UEFI (OVMF)"}
	switch {
	case existsIn(k.root, "/sys/firmware/efi"):
		c.Status, c.Found = OK, "UEFI (/sys/firmware/efi exists)"
	case !existsIn(k.root, "/sys/firmware"):
		c.Status, c.Found = Unknown, "/sys/firmware is not available"
	default:
		c.Status, c.Found = Mismatch, "legacy BIOS (no /sys/firmware/efi)"
		c.Fix = k.qm("--bios ovmf --efidisk0 <storage>:1,efitype=4m") +
			" (an installed BIOS guest needs an EFI boot loader first; usually reinstall), then stop and start the VM"
	}
	return c
}

// machine: QEMU's q35 shows in DMI ("Standard PC (Q35 + ICH9, 2009)") and
// as the ICH9 host bridge 8086:29c0; i440fx as 8086:1237.
func (k checker) machine() Check {
	c := Check{Name: "machine", Want: "q35"}
	product := firstLine(k.read("/sys/class/dmi/id/product_name"))
	bridge := pciID(k.read("/sys/bus/pci/devices/0000:00:00.0/vendor"), k.read("/sys/bus/pci/devices/0000:00:00.0/device"))
	lp := strings.ToLower(product)
	switch {
	case strings.Contains(lp, "q35") || bridge == "8086:29c0":
		c.Status = OK
	case strings.Contains(lp, "i440fx") || bridge == "8086:1237":
		c.Status = Mismatch
		c.Fix = k.qm("--machine q35") + ", then stop and start the VM (device names may change: check the netplan interface)"
	default:
		c.Status = Unknown
	}
	c.Found = machineEvidence(product, bridge)
	return c
}

func machineEvidence(product, bridge string) string {
	var ev []string
	if product != "" {
		ev = append(ev, fmt.Sprintf("DMI product %q", product))
	} else {
		ev = append(ev, "no DMI product name")
	}
	if bridge != "" {
		ev = append(ev, "host bridge "+bridge)
	}
	return strings.Join(ev, ", ")
}

// agent: the QEMU guest agent runs as a process named qemu-ga.
func (k checker) agent() Check {
	c := Check{Name: "guest_agent", Want: "qemu-ga running"}
	procs := 0
	for _, name := range listIn(k.root, "/proc") {
		if !isDigits(name) {
			continue
		}
		procs++
		if firstLine(k.read("/proc/"+name+"/comm")) == "qemu-ga" {
			c.Status, c.Found = OK, "qemu-ga running (pid "+name+")"
			return c
		}
	}
	if procs == 0 {
		c.Status, c.Found = Unknown, "no processes visible under /proc"
		return c
	}
	c.Status, c.Found = Mismatch, "no qemu-ga process"
	c.Fix = k.qm("--agent enabled=1") + "; in the guest install and start it (add \"qemu-guest-agent\" to packages, then systemctl enable --now qemu-guest-agent)"
	return c
}

// read returns a file under the root, "" when it is missing or unreadable.
func (k checker) read(p string) string {
	s, _, _ := readIn(k.root, p)
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}

// pciID renders a vendor and device id pair ("0x8086\n") as "8086:29c0".
func pciID(vendor, device string) string {
	v, d := strings.TrimPrefix(firstLine(vendor), "0x"), strings.TrimPrefix(firstLine(device), "0x")
	if v == "" || d == "" {
		return ""
	}
	return v + ":" + d
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
