package firewall

import (
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// The expression builders below encode each match exactly as nft encodes
// the same words in an inet table, so that the table loaded from the
// persisted file at boot compares equal to the one applied over netlink.

const reg = 1 // nft loads into register 1

// ifname matches iifname/oifname NAME (exact: padded to IFNAMSIZ).
func ifname(key expr.MetaKey, name string) []expr.Any {
	b := make([]byte, unix.IFNAMSIZ)
	copy(b, name)
	return []expr.Any{&expr.Meta{Key: key, Register: reg}, &expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: b}}
}

// nfproto matches the packet's family (ip / ip6 dependency in inet).
func nfproto(fam byte) []expr.Any {
	return []expr.Any{&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: reg}, &expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: []byte{fam}}}
}

// daddrIn matches "ip daddr @SET" or "ip6 daddr @SET".
func daddrIn(v6 bool, set string, setID uint32) []expr.Any {
	fam, off, n := byte(unix.NFPROTO_IPV4), uint32(16), uint32(4)
	if v6 {
		fam, off, n = unix.NFPROTO_IPV6, 24, 16
	}
	return append(nfproto(fam),
		&expr.Payload{DestRegister: reg, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n},
		&expr.Lookup{SourceRegister: reg, SetName: set, SetID: setID})
}

// dport matches "tcp dport N" or "udp dport N".
func dport(proto byte, port uint16) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: reg}, &expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: []byte{proto}},
		&expr.Payload{DestRegister: reg, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
		&expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: []byte{byte(port >> 8), byte(port)}},
	}
}

// ctReply matches "ct direction reply": packets answering a connection
// someone else opened, never the first packet of one.
func ctReply() []expr.Any {
	return []expr.Any{&expr.Ct{Key: expr.CtKeyDIRECTION, Register: reg}, &expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: []byte{1}}}
}

// icmpv6Type matches "icmpv6 type T".
func icmpv6Type(t byte) []expr.Any {
	return append(nfproto(unix.NFPROTO_IPV6),
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: reg}, &expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: []byte{unix.IPPROTO_ICMPV6}},
		&expr.Payload{DestRegister: reg, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: []byte{t}})
}

var (
	accept = &expr.Verdict{Kind: expr.VerdictAccept}
	drop   = &expr.Verdict{Kind: expr.VerdictDrop}
)

// cat joins matches and a final verdict into one rule's expressions.
func cat(parts ...any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		switch v := p.(type) {
		case []expr.Any:
			out = append(out, v...)
		case expr.Any:
			out = append(out, v)
		}
	}
	return out
}
