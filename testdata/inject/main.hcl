# The fault-injection manifest (cmd/clawplan TestFaultInjectionAtEveryMutation):
# the file side of the reference setup that a --root host can carry without
# systemd or Docker: network files, secrets (a credentials file and the .env
# writer) and openclaw.json from the provider, channel and agent blocks.
network "lan" {
  interface   = "ens18"
  addresses   = ["192.0.2.10/24"]
  gateway     = "192.0.2.1"
  nameservers = ["192.0.2.1"]
  docker_dns  = ["1.1.1.1", "8.8.8.8"]
}

secret "gateway_token" {
  source { env = "CLAWPLAN_GATEWAY_TOKEN" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}

secret "lmstudio_key" {
  source { env = "CLAWPLAN_LMSTUDIO_KEY" }
  deliver { env = "LM_API_TOKEN" }
}

secret "telegram_bot" {
  source { env = "CLAWPLAN_TELEGRAM_BOT_TOKEN" }
  deliver { file = "/home/openclaw/.openclaw/credentials/telegram-bot-token" }
}

llm_provider "lmstudio" {
  base_url = "http://127.0.0.1:9/v1"
  api      = "openai-completions"
  api_key  = secret.lmstudio_key
  models   = [{ id = "assistant", name = "Assistant" }]
}

channel "telegram" {
  dm_policy    = "allowlist"
  allow_from   = ["123456789"]
  group_policy = "allowlist"
  token        = secret.telegram_bot
}

agent "defaults" {
  model = "lmstudio/assistant"
}

agent "untrusted-reader" {
  profile  = "untrusted-reader"
  channels = ["telegram"]
}
