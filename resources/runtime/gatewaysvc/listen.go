package gatewaysvc

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

// ProcNetTCP are the kernel's socket tables: the host's network namespace
// as seen under the run's root.
var ProcNetTCP = []string{"/proc/net/tcp", "/proc/net/tcp6"}

// listeners returns the sockets listening on port, read from the kernel's
// tables once per run; ok is false when the tables cannot be read (a
// --root tree).
func listeners(h *resources.Host, port int) (socks []netip.AddrPort, ok bool) {
	return readListeners(h.ReadFile, port)
}

// liveListeners is listeners read now, past the run's read cache.
func liveListeners(h *resources.Host, port int) ([]netip.AddrPort, bool) {
	return readListeners(liveRead(h), port)
}

// liveListenersOf is liveListeners restricted to the sockets of user uid:
// another program holding the port is not the gateway listening on it.
func liveListenersOf(h *resources.Host, uid, port int) (socks []netip.AddrPort, ok bool) {
	all, ok := readSockets(liveRead(h))
	for _, s := range all {
		if int(s.addr.Port()) == port && s.uid == strconv.Itoa(uid) {
			socks = append(socks, s.addr)
		}
	}
	return socks, ok
}

// liveRead reads a file under the root, past the run's read cache.
func liveRead(h *resources.Host) func(string) (hostfs.File, error) {
	return func(p string) (hostfs.File, error) {
		full, err := h.Path(p)
		if err != nil {
			return hostfs.File{}, err
		}
		return hostfs.Read(full)
	}
}

func readListeners(read func(string) (hostfs.File, error), port int) (socks []netip.AddrPort, ok bool) {
	all, ok := readSockets(read)
	for _, s := range all {
		if int(s.addr.Port()) == port {
			socks = append(socks, s.addr)
		}
	}
	return socks, ok
}

func readSockets(read func(string) (hostfs.File, error)) ([]socket, bool) {
	var all []socket
	for _, p := range ProcNetTCP {
		f, err := read(p)
		if err != nil || !f.Exists {
			return nil, false
		}
		all = append(all, parseProcNet(f.Content)...)
	}
	return all, true
}

// uidListens reports whether a socket of user uid listens, on any port;
// ok is false when the kernel's tables cannot be read. The service user
// runs nothing but the gateway, whose listener lives in a worker process
// whose descriptors root cannot always read (no CAP_SYS_PTRACE in a
// container), so the tables' owner column is what tells.
func uidListens(h *resources.Host, uid int) (listens, ok bool) {
	socks, ok := readSockets(liveRead(h))
	for _, s := range socks {
		if s.uid == strconv.Itoa(uid) {
			return true, ok
		}
	}
	return false, ok
}

// socket is one listening socket: its address, owner and inode.
type socket struct {
	addr       netip.AddrPort
	uid, inode string
}

// parseProcNet returns the LISTEN sockets (state 0A) of a /proc/net/tcp or
// tcp6 table. Addresses are hex words in host (little-endian) byte order.
func parseProcNet(b []byte) []socket {
	var out []socket
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[3] != "0A" {
			continue
		}
		host, port, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		raw, err := hex.DecodeString(host)
		n, err2 := strconv.ParseUint(port, 16, 16)
		if err != nil || err2 != nil || (len(raw) != 4 && len(raw) != 16) {
			continue
		}
		for i := 0; i < len(raw); i += 4 {
			binary.BigEndian.PutUint32(raw[i:], binary.LittleEndian.Uint32(raw[i:]))
		}
		addr, _ := netip.AddrFromSlice(raw)
		out = append(out, socket{addr: netip.AddrPortFrom(addr.Unmap(), uint16(n)), uid: f[7], inode: f[9]})
	}
	return out
}

// loopbackOnly reports whether every socket is on a loopback address.
func loopbackOnly(socks []netip.AddrPort) bool {
	for _, s := range socks {
		if !s.Addr().IsLoopback() {
			return false
		}
	}
	return true
}
