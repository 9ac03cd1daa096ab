package gatewaysvc

import (
	"net/netip"
	"testing"
)

// Lines as the kernel prints them: 127.0.0.1:18789 and 0.0.0.0:22
// listening, one established socket, and [::1]:18789 listening.
const procTCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 100 0 0 10 0
   2: 0100007F:4965 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 3 1 0000000000000000 20 4 30 10 -1
`

const procTCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:4965 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5 1 0000000000000000 100 0 0 10 0
`

func TestParseProcNet(t *testing.T) {
	got := append(parseProcNet([]byte(procTCP)), parseProcNet([]byte(procTCP6))...)
	want := []string{"127.0.0.1:18789", "0.0.0.0:22", "[::1]:18789", "127.0.0.1:8080"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Fatalf("socket %d = %s, want %s", i, got[i], want[i])
		}
	}
	if !loopbackOnly(got[2:3]) || loopbackOnly(got[:2]) || !loopbackOnly([]netip.AddrPort{got[0], got[2]}) {
		t.Fatal("loopback classification")
	}
}
