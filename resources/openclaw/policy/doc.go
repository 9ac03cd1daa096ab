// Package policy holds clawplan's security rules for OpenClaw's config:
// what the seed recipe and OpenClaw's own `security audit` call dangerous,
// checked on the manifest before anything is applied.
//
// Each rule has a stable id, a default level (warn or error) that the
// gateway block's security_policy can change per rule, and a message that
// says how to fix it. Rules see the manifest through Config, a small model
// the openclaw package fills from the decoded blocks; every finding points
// at the manifest attribute that causes it.
package policy
