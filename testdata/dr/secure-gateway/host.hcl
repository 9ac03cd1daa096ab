# testdata/dr/secure-gateway: examples/secure-gateway adapted for the
# disaster-recovery test host (resources/runtime/dr_test.go): a Debian 12
# systemd container on the local Docker engine. Each difference from the
# example says why.

# The test host is Debian 12 in a container, not an Ubuntu VM on Proxmox:
# os names it, and the guest-side hardware checks are off (a container has
# no firmware, machine type or VirtIO devices to check). The seed's
# packages are installed for real by the first apply, through apt.
vm "host" {
  os              = "debian-12"
  hardware_checks = false
  service_user    = "openclaw"
  groups          = ["docker"]
  linger          = true
}

# The container's interface is eth0 (the example's ens18 is a Proxmox NIC).
# The network kind writes the netplan file and daemon.json only; nothing
# applies them, so the addresses below reach no network.
network "lan" {
  interface   = var.lan_interface
  addresses   = [var.vm_address]
  gateway     = var.router
  nameservers = [var.router]
  docker_dns  = firewall.sandbox.dns_servers
}

# The firewall is loaded into the container's own network namespace. The
# test host routes its own sandbox bridge there (resources/runtime/
# dr_route_test.go), so interface names it instead of the example's
# docker0, and verify's sandbox container dials through this table. The
# verify block names the test's own targets (the defaults would dial
# 1.1.1.1 and the LLM's address).
firewall "sandbox" {
  interface   = var.sandbox_bridge
  dns_servers = ["1.1.1.1", "8.8.8.8"]

  verify {
    internet   = var.verify_internet
    lan        = [var.verify_lan]
    host_ports = [18789]
    timeout    = 2
  }
}
