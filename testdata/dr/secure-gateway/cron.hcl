# Scheduled automation (section 16): a daily summary to a Telegram group
# topic. Announce delivery needs an isolated session.
cron "daily_news" {
  cron    = "0 8 * * *"
  tz      = "Europe/Berlin"
  session = "isolated"
  wake    = "now"
  message = "Summarize today's top 5 news stories."
  agent   = agent.untrusted-reader

  announce {
    channel = channel.telegram
    to      = "-1001234567890:topic:123"
  }
}
