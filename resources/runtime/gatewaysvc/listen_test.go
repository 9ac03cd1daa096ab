package gatewaysvc

import (
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
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
	socks := append(parseProcNet([]byte(procTCP)), parseProcNet([]byte(procTCP6))...)
	want := []string{"127.0.0.1:18789", "0.0.0.0:22", "[::1]:18789", "127.0.0.1:8080"}
	wantInodes := "1 2 4 5" // and uids 1000 0 1000 1000
	if len(socks) != len(want) {
		t.Fatalf("got %v", socks)
	}
	var got []netip.AddrPort
	var inodes []string
	for i, s := range socks {
		if s.addr.String() != want[i] {
			t.Fatalf("socket %d = %s, want %s", i, s.addr, want[i])
		}
		got = append(got, s.addr)
		inodes = append(inodes, s.inode)
		if (s.uid == "0") != (i == 1) {
			t.Fatalf("socket %d owner %s", i, s.uid)
		}
	}
	if strings.Join(inodes, " ") != wantInodes {
		t.Fatalf("inodes %v, want %s", inodes, wantInodes)
	}
	if !loopbackOnly(got[2:3]) || loopbackOnly(got[:2]) || !loopbackOnly([]netip.AddrPort{got[0], got[2]}) {
		t.Fatal("loopback classification")
	}
}

// TestUIDListens finds this process's listening socket by its owner in
// /proc/net/tcp, as Refresh finds the running gateway's.
func TestUIDListens(t *testing.T) {
	h := resources.NewHost("/", t.TempDir(), []byte("k"), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if l, ok := uidListens(h, os.Getuid()); !ok || !l {
		t.Fatalf("listening: listens %t, ok %t", l, ok)
	}
	if l, _ := uidListens(h, 4242424); l {
		t.Fatal("a uid without sockets listens")
	}
}

func TestUnitPort(t *testing.T) {
	s := New(gwAddr, Settings{User: "u", Port: 18790, Version: "1", Node: "24"}, nil)
	if p := unitPort(s.desiredUnit("/home/u")); p != 18790 {
		t.Fatalf("unitPort = %d", p)
	}
	if p := unitPort([]byte("[Service]\n")); p != DefaultPort {
		t.Fatalf("unitPort of a unit without the variable = %d", p)
	}
}

// TestListenersOf counts only the service user's sockets on the port: a
// program of another user holding the gateway's port is not the gateway
// (found by the fault injection on the test host: the apply took the
// port's holder for a started gateway).
func TestListenersOf(t *testing.T) {
	h := resources.NewHost("/", t.TempDir(), []byte("k"), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if socks, ok := liveListenersOf(h, os.Getuid(), port); !ok || len(socks) != 1 {
		t.Fatalf("the owner's listener: %v, ok %t", socks, ok)
	}
	if socks, _ := liveListenersOf(h, os.Getuid()+4242, port); len(socks) != 0 {
		t.Fatalf("another user's listener counted: %v", socks)
	}
	if heldBy(h, port) == "" {
		t.Fatal("heldBy does not name the port's holder")
	}
}
