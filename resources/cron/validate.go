package cron

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	robfig "github.com/robfig/cron/v3"
)

// exprParser reads cron expressions as OpenClaw does: five fields, or six
// with seconds first, and the @daily-style descriptors.
var exprParser = robfig.NewParser(robfig.SecondOptional | robfig.Minute | robfig.Hour | robfig.Dom | robfig.Month | robfig.Dow | robfig.Descriptor)

// Telegram delivery targets (seed section 16): a user id, a group id
// (negative), or a group's forum topic.
var (
	telegramChat  = regexp.MustCompile(`^-?[0-9]+$`)
	telegramTopic = regexp.MustCompile(`^-[0-9]+:topic:[0-9]+$`)
	userPattern   = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
)

// Validate checks the block on its own: one schedule that parses, a real
// time zone, one payload that fits the session, and the seed's delivery
// rules. Every diagnostic points at the attribute to fix.
func (j *Job) Validate() hcl.Diagnostics {
	if j.orphan {
		return nil
	}
	v := &validator{at: j.at}
	b := j.raw
	v.schedule(b)
	v.payload(b)
	v.delivery(b, j.spec.Session)
	if len(b.DisplayName) > 200 {
		v.bad("display_name", "Display name too long", "display_name must be at most 200 characters.")
	}
	if b.User != "" && !userPattern.MatchString(b.User) {
		v.bad("user", "Invalid user name", fmt.Sprintf("user %q must be the service user's login name, such as \"openclaw\".", b.User))
	}
	return v.diags
}

type validator struct {
	at    where
	diags hcl.Diagnostics
}

func (v *validator) bad(attr, summary, detail string) {
	v.diags = append(v.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: v.at.at(attr)})
}

func (v *validator) schedule(b block) {
	var set []string
	for _, s := range []struct{ name, val string }{{"cron", b.Cron}, {"at", b.At}, {"every", b.Every}} {
		if s.val != "" {
			set = append(set, s.name)
		}
	}
	switch {
	case len(set) == 0:
		v.bad("cron", "Schedule missing", "Give the job one schedule: cron = \"0 8 * * *\" (with tz), at = \"2026-12-01T09:00\" or \"20m\" for a one-shot, or every = \"30m\".")
	case len(set) > 1:
		v.bad(set[1], "Two schedules", fmt.Sprintf("A job has one schedule, but this block sets %s. Keep one.", strings.Join(set, " and ")))
	}
	v.cronExpr(b.Cron)
	if b.TZ != "" {
		if _, err := time.LoadLocation(b.TZ); err != nil || b.TZ == "Local" {
			v.bad("tz", "Unknown time zone", fmt.Sprintf("tz %q is not an IANA time zone; use a name such as \"Europe/Berlin\" or \"UTC\".", b.TZ))
		} else if b.Every != "" {
			v.bad("tz", "Time zone with an interval", "tz applies to cron and at schedules; an every interval runs regardless of the clock. Remove tz.")
		}
	}
	if b.At != "" {
		sched := Schedule{At: b.At, TZ: b.TZ}
		if _, ok := sched.AtTime(); !ok && !positiveDuration(b.At) {
			v.bad("at", "Invalid one-shot time", fmt.Sprintf("at %q must be an ISO time such as \"2026-12-01T09:00\" (in tz, or with an offset) or a duration from now such as \"20m\".", b.At))
		}
	}
	if b.Every != "" {
		if d, err := time.ParseDuration(b.Every); err != nil || d < time.Second || d%time.Second != 0 {
			v.bad("every", "Invalid interval", fmt.Sprintf("every %q must be a duration of whole seconds, at least 1s, such as \"30m\" or \"24h\".", b.Every))
		}
	}
}

func (v *validator) cronExpr(expr string) {
	if expr == "" {
		return
	}
	if strings.HasPrefix(expr, "@every") || strings.Contains(expr, "TZ=") {
		v.bad("cron", "Invalid cron expression", fmt.Sprintf("%q: write intervals as every = \"30m\" and the zone as tz = \"...\", not inside the expression.", expr))
		return
	}
	if _, err := exprParser.Parse(expr); err != nil {
		v.bad("cron", "Invalid cron expression", fmt.Sprintf("%q: %v. Use five fields (minute hour day-of-month month day-of-week), such as \"0 8 * * *\", or six with seconds first.", expr, err))
	}
}

func positiveDuration(s string) bool {
	d, err := time.ParseDuration(s)
	return err == nil && d > 0
}

func (v *validator) payload(b block) {
	switch {
	case b.Message == "" && b.SystemEvent == "":
		v.bad("message", "Payload missing", "Give the job a message (an agent turn, for an isolated session) or a system_event (a text for the main session).")
	case b.Message != "" && b.SystemEvent != "":
		v.bad("system_event", "Two payloads", "A job has one payload: keep message (isolated session) or system_event (main session).")
	}
	switch b.Session {
	case "", "main", "isolated":
	default:
		v.bad("session", "Invalid session", fmt.Sprintf("session %q must be \"main\" or \"isolated\".", b.Session))
	}
	if b.Session == "main" && b.Message != "" {
		v.bad("session", "Message needs an isolated session", "OpenClaw runs a main-session job as a system event: use system_event, or session = \"isolated\" for an agent message.")
	}
	if b.Session == "isolated" && b.SystemEvent != "" {
		v.bad("session", "System event needs the main session", "An isolated job runs an agent turn: use message, or session = \"main\" for a system event.")
	}
	switch b.Wake {
	case "", "now", "next-heartbeat":
	default:
		v.bad("wake", "Invalid wake mode", fmt.Sprintf("wake %q must be \"now\" (fire on schedule) or \"next-heartbeat\" (batch with the heartbeat).", b.Wake))
	}
}

// delivery checks the seed's rules for announce: an isolated session, and
// a Telegram target that is a user id, a group id or GROUP:topic:ID.
func (v *validator) delivery(b block, session string) {
	a := b.Announce
	if a == nil {
		return
	}
	if session != "isolated" {
		v.bad("announce", "Announce needs an isolated session", "Only an isolated session's agent turn delivers its result to a channel: set session = \"isolated\" and give a message, or remove announce.")
	}
	if a.Channel != "telegram" || a.To == "" {
		return
	}
	if !telegramChat.MatchString(a.To) && !telegramTopic.MatchString(a.To) {
		v.bad("announce.to", "Invalid Telegram target", fmt.Sprintf("to %q must be a user id (5255580010), a group id (-1001234567890) or a group topic (\"-1001234567890:topic:123\").", a.To))
	}
}
