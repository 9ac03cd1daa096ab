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
//	kind.go           the Kind: schema, decoding, registration, orphans
//	config.go         the decoded block, its defaults, what other blocks see
//	where.go          source ranges, so diagnostics point at the line
//	validate*.go      static checks; ip.go parses addresses
//	crossvalidate.go  two blocks must not manage the same file or interface
//	resource.go       the Resource: probe, snapshot, ownership record
//	netplan.go        rendering the netplan YAML, reading a file back
//	handwritten.go    reading a hand-written netplan file strictly, to keep it
//	siblings.go       other netplan files that netplan merges with ours
//	generate.go       checking the YAML with netplan's own generator
//	jsonobj.go        editing one member of a JSON object, byte-exact
//	daemon.go         daemon.json's "dns" key on top of it
//	probe.go          what a probe found, its fingerprint
//	diff.go           the plan: attribute changes, file diffs, restart notes
//	apply.go          apply, snapshot data, restore (shared with orphans)
//	orphan.go         deleting what a removed block created
//	remember.go       cleaning up what the block owned under earlier settings
//	import.go         describing an existing host as a block (clawplan import)
//
// The netplan file is clawplan's own: its first line names the block that
// manages it and whether clawplan created the file or took it over, so a
// removed block deletes only a file clawplan created. A hand-written file
// (no such line) that already says exactly what the block declares is
// kept byte for byte; clawplan rewrites it, marked as taken over, only when
// the block changes. In daemon.json clawplan owns only "dns"; every other
// key keeps its bytes and its place.
//
// The ownership record names both files and whether clawplan created
// daemon.json. The engine hands it back before the next probe (Remember):
// a file the block moved away from, or the "dns" key of a block that
// dropped docker_dns, is cleaned up as a removed block's would be. Without
// a record, netplan files are still found by their first line.
//
// Apply writes files; it does not run `netplan apply` or restart Docker.
// The plan says which of the two is needed.
package network
