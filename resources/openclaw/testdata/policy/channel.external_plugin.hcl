secret "gateway_token" {
  source { env = "T" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}

gateway "main" {
  auth_token = secret.gateway_token
}
sandbox "default" {
  mode = "non-main"
}
channel "discord" {
  dm_policy  = "allowlist"
  allow_from = [1234567890123456789]
}
