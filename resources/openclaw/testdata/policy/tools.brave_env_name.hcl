secret "gateway_token" {
  source { env = "T" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}

secret "brave" {
  source { env = "BRAVE" }
  deliver { env = "OPENCLAW_WEB_SEARCH_API_KEY" }
}
gateway "main" {
  auth_token = secret.gateway_token
}
