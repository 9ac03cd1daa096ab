// Package gatewaysvc implements gateway_service, the runtime side of a
// `gateway` block: OpenClaw installed at the pinned version for the service
// user, the systemd user unit OpenClaw's own installer writes, lingering so
// the user's manager starts at boot, and the unit enabled and running.
//
// No block declares a gateway_service: the runtime synthesizer adds
// gateway_service.NAME for every gateway.NAME and hands it the settings the
// gateway block exports (user, port, bind, openclaw_version, and the
// optional install_prefix and node). Everything the gateway reads (its
// openclaw.json, its .env, its unit, its installed version) names
// gateway_service.NAME in Change.Triggers; the engine then calls Refresh
// once, after the whole apply succeeded, and Refresh restarts the gateway.
// Apply itself never starts or restarts it.
//
// OpenClaw is installed with npm into a prefix per version,
// ~/.openclaw/runtime/VERSION by default (node@24 first, then
// openclaw@VERSION with that Node first in PATH, as the reference install
// does), so an upgrade never overwrites the install a rollback returns to:
// restoring the unit points ExecStart back at the previous prefix. Plans
// read the installed versions from package.json files and never run node.
package gatewaysvc
