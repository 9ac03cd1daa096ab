// Package systemd is the part of the gateway's runtime that speaks to
// systemd: it renders OpenClaw's own user unit (the one `openclaw gateway
// install` writes) as go-systemd unit options, compares two units key by
// key, drives a user's service manager over D-Bus (daemon-reload, enable,
// start, restart, unit state) and turns lingering on or off through logind.
//
// The user manager is reached through its private socket,
// /run/user/UID/systemd/private, with EXTERNAL authentication and no Hello:
// root may drive any user's manager that way (the user's session bus
// refuses root), and the user itself may too.
package systemd
