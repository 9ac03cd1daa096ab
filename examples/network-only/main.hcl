# examples/network-only: the smallest useful clawplan manifest.
#
# It does what section 2 of the reference setup does by hand (a static IP
# for the VM with netplan) and what the firewall section asks of Docker
# (containers resolve names through public DNS servers, because the
# firewall blocks the private LAN, where your router's resolver lives).
#
# Try it without touching your machine: every host path is written under
# a scratch directory given with --root.
#
#   clawplan plan  --root "$(mktemp -d)" examples/network-only
#   clawplan apply --root /tmp/scratch -auto-approve examples/network-only
#
# The addresses below are from ranges reserved for documentation
# (192.0.2.0/24, RFC 5737): replace them with your own before applying to
# a real host, or you will lose its network connection.

# One `network` block manages two files:
#   /etc/netplan/01-netcfg.yaml   interface, addresses, gateway, nameservers
#   /etc/docker/daemon.json       only its "dns" key; other keys are kept
# "lan" is the block's name: other blocks can read its values as
# network.lan.docker_dns, and plans call it network.lan.
network "lan" {
  # The VM's network interface, as `ip -br link` lists it (Proxmox VirtIO
  # NICs are usually ens18).
  interface = "ens18"

  # The VM's static address with its prefix length (/24 = 255.255.255.0).
  addresses = ["192.0.2.10/24"]

  # Your router: becomes the default route (routes: to: default, via: ...).
  gateway = "192.0.2.1"

  # The resolvers the VM itself uses: here the router.
  nameservers = ["192.0.2.1"]

  # The resolvers Docker gives every container: public ones, since the
  # sandbox firewall blocks private addresses such as the router.
  docker_dns = ["1.1.1.1", "8.8.8.8"]

  # Defaults, written out so you can see them:
  renderer           = "networkd"                    # or "NetworkManager"
  netplan_file       = "/etc/netplan/01-netcfg.yaml" # written 0600 root:root
  docker_daemon_file = "/etc/docker/daemon.json"
}

# After `clawplan apply`, the plan reminds you of the two steps clawplan
# does not take yet: `netplan apply` to switch to the new address, and
# `systemctl restart docker` so new containers get the DNS servers.
