secret "gateway_token" {
  source { env = "T" }
  deliver { file = "/home/openclaw/.openclaw/credentials/gateway-token" }
}
secret "old_token" {
  source { env = "OLD" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}
gateway "main" {
  auth_token = secret.gateway_token
}
