package firewall

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/google/nftables/expr"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// rawExpr is one rule expression as the kernel holds it.
type rawExpr struct {
	Name string
	Data []byte
}

// ruleExprs splits a rule's NFTA_RULE_EXPRESSIONS into expressions.
func ruleExprs(b []byte) ([]rawExpr, error) {
	elems, err := netlink.UnmarshalAttributes(b)
	if err != nil {
		return nil, err
	}
	var out []rawExpr
	for _, el := range elems {
		attrs, err := netlink.UnmarshalAttributes(el.Data)
		if err != nil {
			return nil, err
		}
		var e rawExpr
		for _, a := range attrs {
			switch a.Type & attrMask {
			case unix.NFTA_EXPR_NAME:
				e.Name = cstr(a.Data)
			case unix.NFTA_EXPR_DATA:
				e.Data = a.Data
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// token is one match or statement of a rule, before it is written out.
type token struct {
	sel  string // what is matched ("iifname", "@nh,128,32"); "" for a statement
	op   string // "" for equality, else "!=", "<", ...
	val  []byte // the compared value; nil for a set lookup
	set  string // "@name" for a set lookup
	stmt string // a statement or verdict
}

// describe renders a rule's expressions as nft writes them. The text is
// the rule's identity for comparisons: every expression clawplan does not
// render is written with its raw bytes, so two rules have the same text
// only when they do the same thing.
func describe(family uint8, exprs []rawExpr) string {
	d := describer{family: family, regs: map[uint32]string{}}
	for _, e := range exprs {
		d.expr(e)
	}
	parts := make([]string, 0, len(d.toks))
	for _, t := range elide(d.toks) {
		parts = append(parts, t.String())
	}
	return strings.Join(parts, " ")
}

type describer struct {
	family uint8
	regs   map[uint32]string
	toks   []token
}

func (d *describer) expr(e rawExpr) {
	raw := token{stmt: e.Name + "(" + hex.EncodeToString(e.Data) + ")"}
	switch e.Name {
	case "meta":
		var m expr.Meta
		if expr.Unmarshal(d.family, e.Data, &m) == nil && !m.SourceRegister {
			d.regs[m.Register] = metaName(m.Key)
			return
		}
	case "payload":
		var p expr.Payload
		if expr.Unmarshal(d.family, e.Data, &p) == nil && p.OperationType == expr.PayloadLoad {
			d.regs[p.DestRegister] = payloadName(p.Base, p.Offset, p.Len)
			return
		}
	case "ct":
		var c expr.Ct
		if expr.Unmarshal(d.family, e.Data, &c) == nil && !c.SourceRegister && c.Key <= expr.CtKeyDIRECTION {
			d.regs[c.Register] = "ct " + [...]string{"state", "direction"}[c.Key]
			return
		}
	case "cmp":
		var c expr.Cmp
		if expr.Unmarshal(d.family, e.Data, &c) == nil {
			d.toks = append(d.toks, token{sel: d.reg(c.Register), op: cmpOp(c.Op), val: c.Data})
			return
		}
	case "lookup":
		var l expr.Lookup
		if expr.Unmarshal(d.family, e.Data, &l) == nil && !l.IsDestRegSet {
			t := token{sel: d.reg(l.SourceRegister), set: "@" + l.SetName}
			if l.Invert {
				t.op = "!="
			}
			d.toks = append(d.toks, t)
			return
		}
	case "immediate":
		if v, ok := verdict(d.family, e.Data); ok {
			d.toks = append(d.toks, token{stmt: v})
			return
		}
	case "counter":
		d.toks = append(d.toks, token{stmt: "counter"})
		return
	}
	d.toks = append(d.toks, raw)
}

func (d *describer) reg(r uint32) string {
	if s, ok := d.regs[r]; ok {
		return s
	}
	return "reg " + strconv.Itoa(int(r))
}

// verdict decodes an immediate that writes the verdict register.
func verdict(family uint8, data []byte) (string, bool) {
	var imm expr.Immediate
	if expr.Unmarshal(family, data, &imm) != nil || imm.Register != unix.NFT_REG_VERDICT || len(imm.Data) != 0 {
		return "", false
	}
	var v expr.Verdict
	if expr.Unmarshal(family, data, &v) != nil {
		return "", false
	}
	switch v.Kind {
	case expr.VerdictAccept:
		return "accept", true
	case expr.VerdictDrop:
		return "drop", true
	case expr.VerdictReturn:
		return "return", true
	case expr.VerdictContinue:
		return "continue", true
	case expr.VerdictJump:
		return "jump " + v.Chain, true
	case expr.VerdictGoto:
		return "goto " + v.Chain, true
	}
	return "", false
}

var metaNames = map[expr.MetaKey]string{
	expr.MetaKeyIIFNAME: "iifname", expr.MetaKeyOIFNAME: "oifname",
	expr.MetaKeyNFPROTO: "meta nfproto", expr.MetaKeyL4PROTO: "meta l4proto",
	expr.MetaKeyIIF: "iif", expr.MetaKeyOIF: "oif", expr.MetaKeyMARK: "meta mark",
}

func metaName(k expr.MetaKey) string {
	if n, ok := metaNames[k]; ok {
		return n
	}
	return "meta key " + strconv.Itoa(int(k))
}

// payloadName names a header field the way nft's raw syntax does; the
// protocol-specific names (ip daddr, tcp dport) come from elide, which
// only uses them when the rule checks the protocol first.
func payloadName(base expr.PayloadBase, off, n uint32) string {
	switch {
	case base == expr.PayloadBaseTransportHeader && off == 0 && n == 2:
		return "th sport"
	case base == expr.PayloadBaseTransportHeader && off == 2 && n == 2:
		return "th dport"
	}
	prefix := map[expr.PayloadBase]string{expr.PayloadBaseLLHeader: "@ll", expr.PayloadBaseNetworkHeader: "@nh", expr.PayloadBaseTransportHeader: "@th"}[base]
	if prefix == "" {
		prefix = "@base" + strconv.Itoa(int(base))
	}
	return fmt.Sprintf("%s,%d,%d", prefix, off*8, n*8)
}

func cmpOp(op expr.CmpOp) string {
	return map[expr.CmpOp]string{expr.CmpOpNeq: "!=", expr.CmpOpLt: "<", expr.CmpOpLte: "<=", expr.CmpOpGt: ">", expr.CmpOpGte: ">="}[op]
}

// String writes the token in nft syntax.
func (t token) String() string {
	if t.stmt != "" {
		return t.stmt
	}
	s := t.sel + " "
	if t.op != "" {
		s += t.op + " "
	}
	if t.set != "" {
		return s + t.set
	}
	return s + formatValue(t.sel, t.val)
}

var (
	nfprotoNames = map[byte]string{unix.NFPROTO_IPV4: "ipv4", unix.NFPROTO_IPV6: "ipv6"}
	l4Names      = map[byte]string{unix.IPPROTO_TCP: "tcp", unix.IPPROTO_UDP: "udp", unix.IPPROTO_ICMP: "icmp", unix.IPPROTO_ICMPV6: "ipv6-icmp"}
	icmp6Names   = map[byte]string{128: "echo-request", 129: "echo-reply", 133: "nd-router-solicit", 134: "nd-router-advert", 135: "nd-neighbor-solicit", 136: "nd-neighbor-advert"}
)

// formatValue writes a compared value in the form its selector reads.
func formatValue(sel string, v []byte) string {
	byteName := func(names map[byte]string) string {
		if len(v) == 1 && names[v[0]] != "" {
			return names[v[0]]
		}
		return ""
	}
	var s string
	switch {
	case sel == "iifname" || sel == "oifname":
		if n := len(v); n > 0 && v[n-1] == 0 {
			return strconv.Quote(cstr(v))
		}
		return strconv.Quote(string(v) + "*")
	case sel == "meta nfproto":
		s = byteName(nfprotoNames)
	case sel == "meta l4proto":
		s = byteName(l4Names)
	case sel == "icmpv6 type":
		s = byteName(icmp6Names)
	case sel == "ct direction":
		s = byteName(map[byte]string{0: "original", 1: "reply"})
	case strings.HasSuffix(sel, "port") && len(v) == 2:
		s = strconv.Itoa(int(binary.BigEndian.Uint16(v)))
	case strings.HasPrefix(sel, "ip"):
		if a, ok := netip.AddrFromSlice(v); ok {
			s = a.String()
		}
	}
	if s == "" {
		s = "0x" + hex.EncodeToString(v)
	}
	return s
}
