# OpenClaw's own config, ~/.openclaw/openclaw.json of the service user, as
# the seed recipe intends it, in the spelling OpenClaw 2026.9.6 accepts.
#
# clawplan adds one writer, openclaw_config.openclaw, that merges these
# blocks into the file and keeps every key it does not own (OpenClaw's meta,
# wizard and plugin entries, anything added by hand). Secrets are read from
# the environment of the clawplan process (see .env.example) and delivered
# where OpenClaw reads them; openclaw.json only refers to them.

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
  # The seed's token file; openclaw.json gets tokenFile, never the token.
  deliver { file = "/home/openclaw/.openclaw/credentials/telegram-bot-token" }
}

gateway "main" {
  user       = "openclaw"
  mode       = "local"    # required since 2026.x, or the gateway exits 78
  port       = 18789
  bind       = "loopback" # web UI on this host only; remote access via SSH or a tunnel
  auth_mode  = "token"
  auth_token = secret.gateway_token
  # Only the local reverse proxy, if any, may set forwarded headers.
  trusted_proxies = ["127.0.0.1"]
  mdns            = "off" # no network broadcast
  update_check    = false
  catalog_refresh = false

  control_ui {
    enabled         = true
    allowed_origins = ["http://127.0.0.1:18789", "http://localhost:18789"]
  }

  tools {
    elevated = false # no sandbox escape
    # A 32B model must not read the web: prompt injection (audit: models.small_params).
    deny = ["group:web", "browser"]
    # Each agent sees only its own sessions: the trusted agent never reads
    # what the untrusted reader was fed.
    sessions_visibility = "agent"
    web_search {
      enabled = false
    }
  }
}

llm_provider "lmstudio" {
  base_url = "http://127.0.0.1:1234/v1"
  api      = "openai-completions"
  api_key  = secret.lmstudio_key
  privacy  = "local-only"
  models = [{
    id             = "qwen/qwen3-32b"
    name           = "Qwen3 32B"
    context_window = 32768 # the tuning notes: about 32k for large models
    max_tokens     = 2048  # 1024-2048 per answer
    input          = ["text"]
    reasoning      = false
    cost           = { input = 0, output = 0, cache_read = 0, cache_write = 0 }
  }]
}

channel "telegram" {
  dm_policy       = "allowlist" # only the ids below may talk to the bot
  allow_from      = ["123456789"]
  group_policy    = "allowlist"
  require_mention = true # in groups, answer only when mentioned
  token           = secret.telegram_bot
}

agent "defaults" {
  model     = "lmstudio/qwen/qwen3-32b"
  fallbacks = [] # local only: no prompt leaves the network
  privacy   = "local-only"
  # Tuning notes: a local LLM serves one or two requests at a time.
  max_concurrent           = 2
  subagents_max_concurrent = 2
  context_pruning {
    mode        = "cache-ttl"
    ttl         = "2m"
    hard_clear  = true
    placeholder = "[old tool output removed]"
  }
}

# The operator's own agent (terminal, web chat): runs on the host.
agent "trusted" {
  profile      = "trusted"
  system_agent = true
}

# Channel sessions: sandboxed, read-only workspace, no shell, no writes.
agent "untrusted-reader" {
  profile  = "untrusted-reader"
  channels = ["telegram"]
}

sandbox "default" {
  mode             = "non-main" # every session but the operator's main one
  scope            = "agent"
  workspace_access = "rw"
  image_tag        = "openclaw-sandbox:custom"

  docker {
    network        = "bridge" # behind the firewall's private-range drop
    user           = "1000:1000"
    binds          = ["/home/openclaw/.openclaw/workspace:/home/openclaw/.openclaw/workspace:rw"]
    read_only_root = true
    cap_drop       = ["ALL"]
    pids_limit     = 256
    memory         = "2g"
  }
}
