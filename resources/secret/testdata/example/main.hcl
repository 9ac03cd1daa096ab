# The secrets of the reference setup (seed section 7): nothing secret in
# openclaw.json. Each value comes from the clawplan process's environment
# (see .env.example) and lands where OpenClaw reads it. Other blocks refer
# to them, e.g. gateway { auth_token = secret.gateway_token },
# llm_provider "lmstudio" { api_key = secret.lmstudio },
# channel "telegram" { token = secret.telegram_bot }.

# The gateway token goes to the service user's ~/.openclaw/.env (0600),
# which the gateway loads itself; openclaw.json only refers to it.
secret "gateway_token" {
  source { env = "CLAWPLAN_GATEWAY_TOKEN" }
  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
}

# To let clawplan make the token instead (once; `-replace` rotates it):
#   source {
#     generate {
#       length   = 48
#       alphabet = "hex"
#     }
#   }

# Provider keys in .env are flagged by `openclaw secrets audit` as plaintext;
# a credentials file referenced as a file SecretRef is not.
secret "lmstudio" {
  source { env = "CLAWPLAN_LMSTUDIO_KEY" }
  deliver { file = true } # ~/.openclaw/credentials/lmstudio, 0600
}

# A file sink, so the Telegram channel can use tokenFile (the seed's path).
secret "telegram_bot" {
  source { env = "CLAWPLAN_TELEGRAM_BOT_TOKEN" }
  deliver { file = "~/.openclaw/credentials/telegram-bot-token" }
  user = "openclaw"
}
