// Package sdbox runs systemd as PID 1 in a Docker container for tests, the
// way ../shared/reference/test-hosts.md measured it works on these hosts:
// a Debian bookworm root filesystem made with debootstrap (cached as a
// tarball and imported into the local engine; nothing is pulled), started
// with SYS_ADMIN and NET_ADMIN, a private cgroup namespace and tmpfs
// /run, /run/lock and /tmp; never --privileged, never the host's cgroups.
package sdbox
