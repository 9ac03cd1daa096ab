# examples/firewall-only: the reference setup's "most important security
# layer" (section 8) as one block. Sandbox containers on the Docker bridge
# reach the internet and two public DNS resolvers, and nothing else: not
# the private LAN, not the LLM server, not the host itself.
#
# Try it without touching your machine's files: host paths are written
# under a scratch directory given with --root. The table itself is real:
# apply it on a machine (or VM) where you mean to.
#
#   clawplan plan  --root "$(mktemp -d)" examples/firewall-only
#   sudo clawplan apply -confirm-within 60s examples/firewall-only
#   sudo clawplan confirm          # from another shell, once you can still log in
#
# What clawplan does differently from the recipe, and why:
#   - It owns ONE table (inet oc_sandbox) and replaces only that table, in
#     one atomic transaction: no moment without a firewall, and Docker's
#     own iptables-nft tables are never touched. The recipe's
#     `flush ruleset` wiped them on every reload of nftables.service.
#   - It also filters the input chain: with the recipe's table a container
#     could still open any port on the host (172.17.0.1, or the host's LAN
#     address), such as an LLM server, sshd or a metrics endpoint.
#   - It blocks IPv6 private ranges and carrier-grade NAT (100.64.0.0/10,
#     Tailscale), which the recipe missed, and DNS to any resolver but
#     the listed ones.

# "sandbox" is the block's name: plans call it firewall.sandbox, and other
# blocks read its values, e.g. network.lan can say
#   docker_dns = firewall.sandbox.dns_servers
# so Docker's DNS and the firewall's DNS set can never drift apart.
firewall "sandbox" {
  # The nftables table clawplan creates and owns (family inet: IPv4 and
  # IPv6). clawplan refuses to replace a table of this name that it did
  # not create; if you followed the recipe by hand, delete yours first
  # (`nft delete table inet oc_sandbox`) or set adopt = true below.
  table = "oc_sandbox"

  # The bridge Docker puts sandbox containers on.
  interface = "docker0"

  # The only DNS servers sandboxes may reach (tcp and udp 53). Docker must
  # hand these same servers to containers (/etc/docker/daemon.json "dns"):
  # `clawplan validate` checks a network block's docker_dns against them.
  dns_servers = ["1.1.1.1", "8.8.8.8"]

  # Destinations dropped before anything else is allowed. The first four
  # are the recipe's; 100.64.0.0/10 is carrier-grade NAT (Tailscale).
  private_ipv4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"]
  private_ipv6 = ["fc00::/7", "fe80::/10"]

  # More ranges to block, v4 or v6: for example your LLM server when it
  # has a public address (`clawplan validate` warns about an llm_provider
  # whose address no blocked range covers).
  extra_blocked = []

  # Ports on the host itself that sandboxes may open. None by default:
  # everything from the bridge to the host is dropped, except replies to
  # connections the host opened and IPv6 neighbour discovery.
  #   allow_host = [{ protocol = "tcp", port = 8080 }]
  allow_host = []

  # Survive reboots: the table is saved to its own file, which replaces
  # only this table when loaded, and /etc/nftables.conf gets one include
  # line (the rest of that file is kept). The plan notes whether
  # nftables.service is enabled; enable it with `systemctl enable nftables`.
  persist       = true
  persist_file  = "/etc/nftables.d/clawplan-oc_sandbox.nft"
  nftables_conf = "/etc/nftables.conf"

  # Take over an existing table of this name that clawplan did not create.
  adopt = false
}
