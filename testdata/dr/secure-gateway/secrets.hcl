# Secrets never live in openclaw.json (section 7). Each is read from the
# environment of the clawplan process (see .env.example) and delivered
# where OpenClaw reads it: ~/.openclaw/.env (0600) or a credentials file
# (0600 in a 0700 directory). openclaw.json only holds references.

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
