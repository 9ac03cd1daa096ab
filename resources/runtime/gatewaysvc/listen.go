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
)

// ProcNetTCP are the kernel's socket tables: the host's network namespace
// as seen under the run's root.
var ProcNetTCP = []string{"/proc/net/tcp", "/proc/net/tcp6"}

// listeners returns the sockets listening on port, read from the kernel's
// tables; ok is false when the tables cannot be read (a --root tree).
func listeners(h *resources.Host, port int) (socks []netip.AddrPort, ok bool) {
	for _, p := range ProcNetTCP {
		f, err := h.ReadFile(p)
		if err != nil || !f.Exists {
			return nil, false
		}
		for _, ap := range parseProcNet(f.Content) {
			if int(ap.Port()) == port {
				socks = append(socks, ap)
			}
		}
	}
	return socks, true
}

// parseProcNet returns the LISTEN sockets (state 0A) of a /proc/net/tcp or
// tcp6 table. Addresses are hex words in host (little-endian) byte order.
func parseProcNet(b []byte) []netip.AddrPort {
	var out []netip.AddrPort
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[3] != "0A" {
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
		out = append(out, netip.AddrPortFrom(addr.Unmap(), uint16(n)))
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
