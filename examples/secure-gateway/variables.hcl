# examples/secure-gateway: the whole reference setup of the seed recipe in
# one manifest, split by topic. Review it, set the variables (or copy
# .env.example and export its values), then:
#
#   clawplan plan  examples/secure-gateway
#   clawplan apply -confirm-within 120s examples/secure-gateway   # firewall and network changes revert unless confirmed
#   clawplan verify examples/secure-gateway                      # the seed's functional tests
#
# The addresses are examples from a typical home LAN: change them.

variable "vm_address" {
  description = "The VM's static address with its prefix length."
  default     = "192.168.1.50/24"
}

variable "router" {
  description = "The LAN router: default route and the VM's own resolver."
  default     = "192.168.1.1"
}

variable "llm_url" {
  description = "The local LLM server's OpenAI-compatible endpoint (LM Studio here). It sits on the LAN, inside the firewall's blocked ranges: the gateway reaches it, sandboxes cannot."
  default     = "http://192.168.1.20:1234/v1"
}

variable "telegram_user_id" {
  description = "Your Telegram user id: the only account the bot answers in direct messages."
  default     = "123456789"
}

variable "sandbox_base_image" {
  description = "The base image of the custom sandbox image (the seed uses debian:bookworm-slim; it must be present or pullable)."
  default     = "debian:bookworm-slim"
}
