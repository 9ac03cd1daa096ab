// Package network is the `network` resource kind: the host's static IP
// configuration in one netplan file, and the DNS servers Docker hands to
// containers (the "dns" key of Docker's daemon.json).
//
//	network "lan" {
//	  interface   = "ens18"
//	  addresses   = ["192.168.1.50/24"]
//	  gateway     = "192.168.1.1"
//	  nameservers = ["192.168.1.1"]
//	  docker_dns  = ["1.1.1.1", "8.8.8.8"]
//	}
//
// It is the model the other kinds copy, so each step of a resource's life
// lives in its own small file:
//
//	kind.go      the Kind: schema, decoding, registration, orphans
//	config.go    the decoded block, its defaults and what other blocks see
//	validate.go  static checks with diagnostics on the attribute's line
//	netplan.go   rendering the netplan YAML, reading back a current file
//	generate.go  checking the rendered YAML with netplan's own generator
//	daemon.go    editing one key of daemon.json, keeping every other byte
//	probe.go     reading the host (read-only)
//	diff.go      the plan: attribute changes, file diffs, restart notes
//	apply.go     snapshot, apply, restore (shared with orphans)
//	orphan.go    deleting what a removed block created
//
// The netplan file is clawplan's own: its first line names the block that
// manages it and whether clawplan created the file or took it over, so a
// removed block deletes only a file clawplan created. In daemon.json
// clawplan owns only "dns"; every other key keeps its bytes and its place.
//
// Apply writes files; it does not run `netplan apply` or restart Docker.
// The plan says which of the two is needed.
package network
