// Package firewall is the `firewall` block: clawplan's own nftables table
// that keeps Docker sandbox containers off the private LAN, the LLM server
// and the host itself, while they reach the internet and the listed DNS
// resolvers (the seed's section 8, with the gaps peers.md found closed).
//
//	firewall "sandbox" {
//	  table         = "oc_sandbox"                 # inet table, clawplan's own
//	  interface     = "docker0"                    # the sandbox bridge
//	  dns_servers   = ["1.1.1.1", "8.8.8.8"]       # v4 or v6; the only DNS sandboxes reach
//	  private_ipv4  = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"]
//	  private_ipv6  = ["fc00::/7", "fe80::/10"]
//	  extra_blocked = []                           # more CIDRs, v4 or v6 (a public LLM server)
//	  allow_host    = []                           # [{ protocol = "tcp", port = 8080 }]: host ports sandboxes may open
//	  persist       = true                         # save the table for boot
//	  persist_file  = "/etc/nftables.d/clawplan-oc_sandbox.nft"
//	  nftables_conf = "/etc/nftables.conf"         # gets an include line, nothing else changes
//	  adopt         = false                        # take over an existing table of that name
//	}
//
// Every attribute is optional; the values above are the defaults. Other
// blocks see firewall.NAME with the defaults filled in (and family).
//
// The table: sets private_ipv4 and private_ipv6 (interval sets holding the
// private and extra ranges, merged), dns_servers and dns_servers_v6; a
// forward chain that, for packets from the interface, accepts
// bridge-internal traffic, drops private destinations first, accepts DNS
// (tcp and udp 53) to the DNS sets only, drops other DNS and accepts the
// rest; an input chain that drops everything from the interface to the
// host except replies to connections the host opened, IPv6 neighbour
// discovery and the allow_host ports. The table's comment and every
// rule's comment ("clawplan:NAME") mark them as clawplan's; a table of
// that name without the mark is refused unless adopt is set.
//
// Talking to the kernel: github.com/google/nftables serializes the
// objects and reads are plain netlink dumps (never the nft binary). Probe
// reads the table at one ruleset generation and compares it semantically
// (set contents as merged ranges, rules as nft-like text decoded from
// their expressions, chain hooks), naming each set, chain or rule that
// differs. Apply changes the whole table in one transaction, sent with the
// generation of a read that still shows the probed table, so the kernel
// refuses it (ERESTART) if anything changed in between; a change to this
// table since the probe refuses the apply, an unrelated one (Docker's
// rules) only causes a re-check. The transaction keeps the table and its
// base chains and swaps their content (flush and refill every chain,
// change set elements by delta), because deleting and re-adding a table,
// though atomic for the ruleset, lets a packet slip between the old and
// the new chains' hooks (measured: see transition.go). Only creation,
// deletion, a new owner comment and a hand-changed chain hook recreate the
// table, and the plan says so. Snapshot keeps the table's objects as
// netlink attributes in JSON; Restore takes the table back the same way.
//
// Renames: another inet table whose comment names the block (left by a
// change of `table`) is deleted in the same transaction, and files it
// persisted under another name lose their include line and go. An orphan
// (a removed block) deletes every table and file that names it.
//
// Persistence: persist_file holds only this table ("table", "delete
// table", definition: no flush ruleset), and nftables_conf gets one
// include line (created when missing). Notes say whether nftables.service
// is enabled and warn when nftables_conf flushes the whole ruleset.
//
// Verification (`clawplan verify`, the seed's functional tests 2 and 3):
// one short-lived container of the sandbox image (the sandbox block's
// docker.image or image_tag), on the Docker network whose bridge is the
// interface, dials the internet (the first DNS server, tcp/53), which it
// must reach, and each LAN address (every llm_provider whose base_url is
// a blocked address) and the host's own address on the bridge (the
// gateway's port), which it must not. A LAN address is dialed from the
// host too, so a timeout proves the firewall and not a host that is
// down. A nested verify block overrides each default:
//
//	verify {
//	  image        = "openclaw-sandbox:custom"
//	  internet     = "1.1.1.1:53"
//	  lan          = ["192.168.1.20:1234"]
//	  host_ports   = [18789]
//	  dial_command = ["/dialer", "check"] # default: sh with python3, bash or nc
//	  timeout      = 3                    # seconds per dial
//	}
//
// The network namespace: the caller's own, unless CLAWPLAN_FIREWALL_NETNS
// names another by path, or SetNetNS points one resource elsewhere (tests).
package firewall
