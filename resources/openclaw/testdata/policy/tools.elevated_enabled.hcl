secret "gateway_token" {
  source { env = "T" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}

gateway "main" {
  auth_token = secret.gateway_token
  tools {
    elevated = true
  }
}
