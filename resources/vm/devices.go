package vm

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// skipDisks are block devices that are not VM disks: loop and RAM disks,
// device-mapper and md arrays on top of real disks, CD-ROMs, floppies.
var skipDisks = []string{"loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd"}

// device is one disk or NIC as sysfs shows it.
type device struct {
	name string
	link string // the /sys/block or /sys/class/net link: the device's place on the buses
	kind string // virtio-blk, virtio-scsi, virtio-net, or the driver found
}

func (d device) virtio() bool { return strings.HasPrefix(d.kind, "virtio") }

// disks: every real disk must be VirtIO (SCSI or block). A disk on a
// virtio-scsi controller has "sd" as its driver and a virtio device among
// its ancestors.
func (k checker) disks() Check {
	c := Check{Name: "disk", Want: "VirtIO SCSI (virtio-scsi-pci) or VirtIO block"}
	var devs []device
	for _, name := range listIn(k.root, "/sys/block") {
		link := readlinkIn(k.root, "/sys/block/"+name)
		if hasPrefix(name, skipDisks) || strings.Contains(link, "/devices/virtual/") {
			continue
		}
		driver := path.Base(readlinkIn(k.root, "/sys/block/"+name+"/device/driver"))
		devs = append(devs, device{name: name, link: link, kind: diskKind(link, driver)})
	}
	c.Status, c.Found = judge(devs, "no disks under /sys/block")
	if c.Status == Mismatch {
		c.Fix = k.qm("--scsihw virtio-scsi-pci") + ", reattach each disk on the SCSI bus (qm set " + k.vmid +
			" --scsi0 <volume>, with the volume from `qm config " + k.vmid + "`), then stop and start the VM"
	}
	return c
}

func diskKind(link, driver string) string {
	viaVirtio := strings.Contains(link, "/virtio")
	switch {
	case driver == "virtio_blk" || viaVirtio && driver != "sd":
		return "virtio-blk"
	case viaVirtio:
		return "virtio-scsi"
	case strings.Contains(link, "/nvme"):
		return "nvme"
	case strings.Contains(link, "/ata"):
		return "ata (IDE/SATA)"
	case driver == "sd":
		return "scsi (not VirtIO)"
	case driver == "" || driver == ".":
		return "unknown bus"
	}
	return driver
}

// nics: every physical-looking NIC (not lo, bridges, veths, docker0) must
// be VirtIO. The fix keeps each NIC's MAC address.
func (k checker) nics() Check {
	c := Check{Name: "network", Want: "VirtIO (virtio-net)"}
	var devs []device
	var fixes []string
	for _, name := range listIn(k.root, "/sys/class/net") {
		link := readlinkIn(k.root, "/sys/class/net/"+name)
		if link == "" || strings.Contains(link, "/devices/virtual/") {
			continue
		}
		driver := path.Base(readlinkIn(k.root, "/sys/class/net/"+name+"/device/driver"))
		d := device{name: name, link: link, kind: driver}
		if driver == "virtio_net" || strings.Contains(link, "/virtio") {
			d.kind = "virtio-net"
		}
		devs = append(devs, d)
		if !d.virtio() {
			mac := firstLine(k.read("/sys/class/net/" + name + "/address"))
			fixes = append(fixes, fmt.Sprintf("--net%d virtio=%s,bridge=%s", len(fixes), mac, k.bridge))
		}
	}
	c.Status, c.Found = judge(devs, "no network devices under /sys/class/net")
	if c.Status == Mismatch {
		c.Fix = k.qm(strings.Join(fixes, " ")) + " (netN: the index `qm config " + k.vmid + "` shows for that MAC), then stop and start the VM"
	}
	return c
}

// judge is Mismatch when any device is not VirtIO, Unknown when there are
// none, and describes them all.
func judge(devs []device, none string) (Status, string) {
	if len(devs) == 0 {
		return Unknown, none
	}
	sort.Slice(devs, func(i, j int) bool { return devs[i].name < devs[j].name })
	st := OK
	parts := make([]string, len(devs))
	for i, d := range devs {
		parts[i] = d.name + ": " + d.kind
		if !d.virtio() {
			st = Mismatch
		}
	}
	return st, strings.Join(parts, ", ")
}

func hasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
