secret "gateway_token" {
  source { env = "T" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}

gateway "main" {
  auth_token = secret.gateway_token
  tools {
    deny = ["group:web", "browser"]
  }
}
llm_provider "lmstudio" {
  base_url = "http://127.0.0.1:1234/v1"
  privacy  = "local-only"
  models   = [{ id = "qwen/qwen3-235b-a22b", name = "Qwen3 235B" }]
}
agent "defaults" {
  model     = "lmstudio/qwen/qwen3-235b-a22b"
  fallbacks = ["openai/gpt-5.4"]
}
