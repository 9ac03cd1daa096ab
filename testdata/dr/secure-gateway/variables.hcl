# The variables of examples/secure-gateway, with defaults for the test
# host, plus the ones the test sets per run (CLAWPLAN_VAR_*).

variable "vm_address" {
  description = "Written to the netplan file only (not applied)."
  default     = "192.168.1.50/24"
}

variable "router" {
  description = "Written to the netplan file only (not applied)."
  default     = "192.168.1.1"
}

variable "lan_interface" {
  description = "The test container's interface."
  default     = "eth0"
}

variable "llm_url" {
  description = "The LLM stand-in on the test host's loopback."
  default     = "http://127.0.0.1:18080/v1"
}

variable "telegram_user_id" {
  description = "The example's user id."
  default     = "123456789"
}

variable "install_prefix" {
  description = "Where the test mounts the cached OpenClaw install."
  default     = "/opt/openclaw/current"
}

variable "sandbox_base_image" {
  description = "The busybox-static base the test imports (set per run)."
  default     = "cpt-dr-base:latest"
}

variable "sandbox_image_tag" {
  description = "The sandbox image clawplan builds (set per run)."
  default     = "cpt-dr-sandbox:custom"
}

variable "verify_internet" {
  description = "The address verify's sandbox container must reach (a test host of the test)."
  default     = "203.0.113.10:80"
}

variable "verify_lan" {
  description = "A LAN address verify's sandbox container must not reach, which the host reaches (a test host of the test)."
  default     = "10.250.77.2:80"
}

variable "sandbox_bridge" {
  description = "The Linux bridge of the sandbox network: the firewall's interface (the test's routed bridge, set per run)."
  default     = "docker0"
}

variable "sandbox_network" {
  description = "The Docker network of that bridge, where OpenClaw runs sandboxes (set per run)."
  default     = "bridge"
}
