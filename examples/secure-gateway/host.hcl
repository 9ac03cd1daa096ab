# The VM (seed sections 2-6 and 11): guest-side checks of the recommended
# Proxmox settings (each mismatch is printed with the qm command that fixes
# it), the packages, and the openclaw service user in the docker group.
vm "host" {
  os           = "ubuntu-24.04"
  service_user = "openclaw"
  groups       = ["docker"]
  linger       = true # the gateway's user service starts at boot
}

# Static IP with netplan (section 2), and Docker's DNS (section 8): the
# firewall drops private destinations, so containers must resolve through
# the same public resolvers the firewall allows. Taking them from the
# firewall keeps the two in one place.
network "lan" {
  interface   = "ens18"
  addresses   = [var.vm_address]
  gateway     = var.router
  nameservers = [var.router]
  docker_dns  = firewall.sandbox.dns_servers
}

# The sandbox firewall (section 8), with the fixes the seed lacks: no path
# from a sandbox to the host itself (input chain), IPv6 and carrier-grade
# NAT in the blocked ranges, DNS only to the listed resolvers.
firewall "sandbox" {
  interface   = "docker0"
  dns_servers = ["1.1.1.1", "8.8.8.8"]
}
