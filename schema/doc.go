// Package schema holds clawplan's fixed facts and published formats: the
// OpenClaw version clawplan is tested against (openclaw-version, the one
// place to change when moving to a newer OpenClaw), the JSON plan format
// (plan.schema.json) and the manifest's JSON Schema for editors.
package schema

import (
	_ "embed"
	"strings"
)

//go:embed openclaw-version
var openclawVersion string

// OpenClawVersion is the pinned OpenClaw release, e.g. "2026.9.6".
var OpenClawVersion = strings.TrimSpace(openclawVersion)

// PlanSchema is the JSON Schema of `clawplan plan -format json`.
//
//go:embed plan.schema.json
var PlanSchema []byte
