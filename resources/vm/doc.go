// Package vm is the `vm` resource kind: the guest the gateway runs on, as
// the seed sets it up (sections 2-6 and 11).
//
//	vm "host" {
//	  os       = "ubuntu-24.04"   # the OS the guest must run ("any" skips the check)
//	  vmid     = 105              # substituted into the Proxmox commands
//	  strict   = false            # true: apply fails on a hardware mismatch
//	  packages = ["jq"]           # added to the seed's list
//	  service_user = "openclaw"   # with groups, home /home/NAME, shell /bin/bash
//	  groups   = ["docker"]
//	  linger   = true             # false: leave lingering alone
//	  homebrew = false            # the linuxbrew user and its group permissions
//	}
//
// Three parts, each in its own files:
//
//	hardware.go, cpu.go,     guest-side checks of the recommended Proxmox
//	devices.go, sysfs.go     settings (UEFI, q35, CPU type host, VirtIO disk
//	                         and network, guest agent, OS). The guest cannot
//	                         change them: a mismatch is a manual action with
//	                         the exact `qm set` command that fixes it.
//	packages.go              the seed's apt packages, probed from dpkg's
//	                         status file, installed in one apt transaction.
//	users.go, homebrew.go    the service user, its groups, lingering, and the
//	                         optional linuxbrew user (useradd/usermod, with
//	                         --root under a root other than "/").
//
// Everything is read under the Host root, so tests run on recorded /proc,
// /sys and /etc trees (testdata/vm/ at the top of the repository).
//
// Rollback restores the account files (/etc/passwd, group, shadow,
// gshadow and their backups) byte for byte, removes a home directory the
// apply created, and undoes lingering and permission changes. Packages are
// not uninstalled: installs are additive, and the plan says so.
//
// A removed vm block deletes nothing: removing the service user would
// delete its home, with all of OpenClaw's state, so the kind records no
// ownership and the users stay.
package vm
