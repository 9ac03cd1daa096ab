// Package cron is the `cron` resource kind: one OpenClaw cron job (seed
// section 16), kept in OpenClaw's own store and changed only through its
// gateway.
//
//	cron "daily_news" {
//	  cron     = "0 8 * * *"           # or at = "2026-12-01T09:00" / "20m", or every = "30m"
//	  tz       = "Europe/Berlin"
//	  session  = "isolated"            # main | isolated (default: by payload)
//	  wake     = "now"                 # now | next-heartbeat
//	  message  = "Summarize today's top 5 news stories."   # or system_event = "..."
//	  announce {
//	    channel = channel.telegram     # a declared channel block, or its id as a string
//	    to      = "-1001234567890:topic:123"
//	  }
//	  delete_after_run = false
//	  agent    = "main"                # optional: the agent id, or agent.NAME
//	  enabled  = true
//	}
//
// Facts this kind is built on (OpenClaw 2026.9.6, ../shared/reference):
// jobs live in the SQLite database ~/.openclaw/state/openclaw.sqlite, table
// cron_jobs; every `openclaw cron` command talks to the running gateway;
// `cron add --declaration-key KEY` is an idempotent upsert that converges
// the schedule, payload, delivery and display name (not the wake mode,
// agent, name, session or delete-after-run, which `cron edit` changes).
//
// So the kind plans by reading cron_jobs read-only with a pure-Go SQLite
// driver (once per plan, through Host.Memo), and applies through the CLI
// under the service user's HOME. clawplan owns exactly the jobs whose
// declaration key is "clawplan:" + the block label; OpenClaw's own jobs
// (heartbeat:main, memory and skill-review jobs) and jobs made by hand or
// by other tools are never read into a plan, let alone changed.
//
//	kind.go       schema, decoding, registration, orphans
//	spec.go       the desired job, from the block or from a stored job
//	validate.go   cron expressions, time zones, targets, the seed's rules
//	link.go       ordering after the gateway and the vm block; defaults
//	store.go      reading cron_jobs read-only
//	job.go        a stored job and the semantic comparison with a Spec
//	cli.go        finding and running the openclaw CLI, the gateway probe
//	converge.go   the CLI calls that turn a stored job into a Spec
//	resource.go   probe, diff, snapshot, apply, restore, ownership
//
// A plan made while the gateway is down still shows the changes (the
// database is readable without it), with a note that they wait for the
// gateway; applying them then fails at once with a clear message.
package cron
