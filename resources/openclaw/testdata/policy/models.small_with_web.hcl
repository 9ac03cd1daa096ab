secret "gateway_token" {
  source { env = "T" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}

gateway "main" {
  auth_token = secret.gateway_token
  tools {
    web_search {
      enabled = true
    }
  }
}
llm_provider "lmstudio" {
  base_url = "http://127.0.0.1:1234/v1"
  models   = [{ id = "qwen/qwen3-32b", name = "Qwen3 32B" }]
}
agent "defaults" {
  model = "lmstudio/qwen/qwen3-32b"
}
