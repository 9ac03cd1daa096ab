package runtime_test

import (
	"context"
	"testing"
)

// realFault is a fault the test host can produce for real: arm makes it,
// disarm takes it away again (both shell commands run as root in the test
// host), and the apply must fail with want.
type realFault struct {
	name, arm, disarm, want string
}

// realFaults are one fault on the systemd side, one on the nftables side
// and one on the Docker side. None touches the machine: the drop-in and
// the mounts are the test host's own. (The gateway's port held by another
// program is a real fault too, but the gateway then waits for the port
// without exiting, and the apply gives up only after StartTimeout, 2
// minutes: gatewaysvc's TestListenersOf covers what it found.)
var realFaults = []realFault{
	{
		// A drop-in for the gateway's unit in /etc/systemd/user (what an
		// administrator's or a package's drop-in can do): the unit the
		// apply writes and enables fails to start, so the apply fails at
		// gateway_service and restores a unit that systemd saw fail.
		name:   "the gateway's unit fails to start",
		arm:    `printf '[Service]\nExecStartPre=/bin/false\n' > /etc/systemd/user/openclaw-gateway.service.d/cpt-fail.conf`,
		disarm: "rm /etc/systemd/user/openclaw-gateway.service.d/cpt-fail.conf",
		want:   "apply failed at gateway_service.main",
	},
	{
		// /etc/nftables.conf is a read-only mount point: the table is
		// loaded into the namespace, then writing its file fails (a rename
		// onto a mount point), so the loaded table must be taken out again.
		name: "/etc/nftables.conf is read-only",
		arm: `cp -a /etc/nftables.conf /tmp/cpt-nftables.conf && mount --bind /tmp/cpt-nftables.conf /etc/nftables.conf &&
			mount -o remount,bind,ro /etc/nftables.conf`,
		disarm: "umount /etc/nftables.conf",
		want:   "apply failed at firewall.sandbox",
	},
	{
		// The Docker socket is gone from the test host (a null device
		// mounted over it, in the test host only): what the machine sees
		// when its daemon is stopped, without stopping the shared one.
		name:   "the Docker socket is gone",
		arm:    "mount --bind /dev/null /run/docker.sock",
		disarm: "umount /run/docker.sock",
		want:   "apply failed at sandbox_image.default",
	},
}

// real arms f, takes the host's state, runs the apply that must fail,
// compares, and disarms f.
func (in *injector) real(t *testing.T, f realFault) {
	t.Helper()
	in.dr.box.MustExec(t, "sh", "-c", f.arm)
	defer in.dr.box.Exec(context.Background(), nil, "sh", "-c", f.disarm)
	in.try(t, in.dr.hostState(t), "real fault: "+f.name, in.dr.env, f.want)
}
