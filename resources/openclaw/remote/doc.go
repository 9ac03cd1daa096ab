// Package remote applies the gateway block's device_scopes and
// remote_access settings as nodes of their own, synthesized from each
// gateway.NAME (its Export):
//
//   - gateway_devices.NAME ensures the operator token scopes of named
//     paired devices. It reads OpenClaw's device_pairing_paired table
//     read-only (~/.openclaw/state/openclaw.sqlite, pure-Go driver) and
//     changes scopes only the way OpenClaw supports: `openclaw devices
//     rotate --device ID --role operator --scope ...` through the running
//     gateway. Rotation stays within the device's approved baseline and
//     issues a new token (the device's clients reconnect).
//   - cloudflare_tunnel.NAME writes a cloudflared system unit that reads
//     the tunnel token from a 0600 EnvironmentFile (never from the unit,
//     never shown in a plan) and flags the security consequences.
//   - ssh_tunnel.NAME only verifies: `clawplan verify` prints the
//     `ssh -L` command that reaches the loopback-bound gateway.
//
// Removing the tunnel (or its gateway block) deletes what cloudflare_tunnel
// wrote: it stops and disables the unit, deletes the unit, the token file
// and the directories its first write created; files there that clawplan
// did not write stay. ssh_tunnel owns nothing. gateway_devices records no
// ownership: the scopes it ensured stay with the devices.
package remote
