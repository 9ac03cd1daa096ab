# The gateway (sections 6-7): a systemd user service of the openclaw user,
# on loopback only, token auth, no mDNS, OpenClaw pinned to the version
# clawplan is tested with.
gateway "main" {
  user       = "openclaw"
  # The cached Node 24 + OpenClaw is mounted read-only here (the test host
  # has no npm registry); the plan finds the pinned version installed.
  install_prefix = var.install_prefix
  mode       = "local"
  port       = 18789
  bind       = "loopback"
  auth_mode  = "token"
  auth_token = secret.gateway_token
  trusted_proxies = ["127.0.0.1"]
  mdns            = "off"
  update_check    = false
  catalog_refresh = false

  control_ui {
    enabled         = true
    allowed_origins = ["http://127.0.0.1:18789", "http://localhost:18789"]
  }

  tools {
    elevated            = false
    deny                = ["group:web", "browser"] # a 32B model must not reach web tools (audit: models.small_params)
    sessions_visibility = "agent"
  }
}

# The local LLM (section 9). On the test host a stand-in answers
# GET /v1/models on loopback (testdata/dr/llmstub): never a LAN address.
llm_provider "lmstudio" {
  base_url = var.llm_url
  api      = "openai-completions"
  api_key  = secret.lmstudio_key
  privacy  = "local-only"
  models = [{
    id             = "qwen/qwen3-32b"
    name           = "Qwen3 32B"
    context_window = 32768
    max_tokens     = 2048
    input          = ["text"]
    reasoning      = false
    cost           = { input = 0, output = 0, cache_read = 0, cache_write = 0 }
  }]
}

# Telegram (sections 7 and 10): only you, in DMs; groups by allowlist, and
# the bot answers there only when mentioned.
channel "telegram" {
  dm_policy       = "allowlist"
  allow_from      = [var.telegram_user_id]
  group_policy    = "allowlist"
  require_mention = true
  token           = secret.telegram_bot
}

agent "defaults" {
  model                    = "lmstudio/qwen/qwen3-32b"
  fallbacks                = []
  privacy                  = "local-only"
  max_concurrent           = 2
  subagents_max_concurrent = 2

  context_pruning {
    mode        = "cache-ttl"
    ttl         = "2m"
    hard_clear  = true
    placeholder = "[old tool output removed]"
  }
}

# Section 10's two profiles: the operator's trusted agent on the host, and
# a sandboxed, read-only reader for untrusted content from Telegram.
agent "trusted" {
  profile      = "trusted"
  system_agent = true
}

agent "untrusted-reader" {
  profile  = "untrusted-reader"
  channels = ["telegram"]
}

# Tool sandboxes (sections 5 and 7): the custom image with python3, pip,
# curl, jq and requests, built by clawplan; containers run as the openclaw
# user's UID:GID on the Docker network whose bridge is the firewall's
# interface (the example's default bridge; the test's routed network).
sandbox "default" {
  mode             = "non-main"
  scope            = "agent"
  workspace_access = "rw"
  # A unique tag per test run on the shared Docker engine, built from a
  # busybox-static base the test imports (nothing can be pulled, and the
  # example's apt-get and pip need a Debian base and the internet).
  image_tag        = var.sandbox_image_tag
  dockerfile       = <<-EOT
    FROM ${var.sandbox_base_image}
    RUN mkdir -p /home/openclaw/.openclaw/workspace
  EOT

  docker {
    network        = var.sandbox_network
    user           = "1000:1000"
    binds          = ["/home/openclaw/.openclaw/workspace:/home/openclaw/.openclaw/workspace:rw"]
    read_only_root = true
    cap_drop       = ["ALL"]
    pids_limit     = 256
    memory         = "2g"
  }
}
