package firewall

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// NetNSEnv is the environment variable that points the firewall kind at
// another network namespace, by path (for example /run/netns/NAME). It is
// a test hook: clawplan's own tests set it to drive a whole run (apply,
// confirm, revert) against a namespace they created instead of the
// machine's ruleset. Unset, the firewall talks to the caller's namespace.
const NetNSEnv = "CLAWPLAN_FIREWALL_NETNS"

// errStale is the kernel's answer (ERESTART) to a transaction whose
// ruleset generation is no longer current: someone changed the ruleset
// between our read and our commit, and nothing was applied.
var errStale = errors.New("the nftables ruleset changed since it was read")

// netNS is the network namespace a firewall talks to, by path; "" is the
// caller's own.
type netNS string

// dial opens a netlink socket to nftables in the namespace.
func (ns netNS) dial() (*netlink.Conn, error) {
	cfg := &netlink.Config{}
	if ns != "" {
		fd, err := unix.Open(string(ns), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("open network namespace %s: %w", ns, err)
		}
		defer unix.Close(fd)
		cfg.NetNS = fd
	}
	c, err := netlink.Dial(unix.NETLINK_NETFILTER, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to nftables over netlink: %w", err)
	}
	// Extended acks: the kernel says what it rejected, not just an errno.
	_ = c.SetOption(netlink.ExtendedAcknowledge, true)
	return c, nil
}

// permissionHint explains the usual cause of a refused netlink request.
func permissionHint(err error) error {
	if errors.Is(err, os.ErrPermission) || errors.Is(err, unix.EPERM) {
		return fmt.Errorf("%w: reading and changing nftables needs root (CAP_NET_ADMIN); run clawplan with sudo", err)
	}
	return err
}

// generation returns the ruleset generation: it changes with every commit.
func generation(c *netlink.Conn) (uint32, error) {
	res, err := c.Execute(netlink.Message{
		Header: netlink.Header{Type: nftType(unix.NFT_MSG_GETGEN), Flags: netlink.Request},
		Data:   nfgen(unix.AF_UNSPEC),
	})
	if err != nil {
		return 0, permissionHint(err)
	}
	for _, m := range res {
		r, err := fromMessage(m)
		if err != nil {
			return 0, err
		}
		if b, ok := r.attr(unix.NFTA_GEN_ID); ok {
			return be32val(b), nil
		}
	}
	return 0, errors.New("the kernel sent no nftables generation")
}

// get sends one request (a dump when dump is set) and returns the replies
// as raw objects. A missing object (ENOENT) is no reply, not an error.
func get(c *netlink.Conn, msgType uint16, family uint8, dump bool, attrs ...netlink.Attribute) ([]rawMsg, error) {
	data, err := netlink.MarshalAttributes(attrs)
	if err != nil {
		return nil, err
	}
	flags := netlink.Request // no ack: it would linger after the reply
	if dump {
		flags = netlink.Request | netlink.Dump
	}
	res, err := c.Execute(netlink.Message{
		Header: netlink.Header{Type: nftType(msgType), Flags: flags},
		Data:   append(nfgen(family), data...),
	})
	if errors.Is(err, unix.ENOENT) {
		return nil, nil
	}
	if err != nil {
		return nil, permissionHint(err)
	}
	var out []rawMsg
	for _, m := range res {
		if m.Header.Type == netlink.Error || m.Header.Type == netlink.Done {
			continue
		}
		r, err := fromMessage(m)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// commit sends msgs as ONE nftables transaction that the kernel applies
// only if the ruleset generation is still gen: all of it or none of it,
// and never on top of a change made since the caller read the ruleset.
func commit(c *netlink.Conn, gen uint32, msgs []netlink.Message) error {
	genAttr, err := netlink.MarshalAttributes([]netlink.Attribute{{Type: nfnlBatchGenID, Data: be32(gen)}})
	if err != nil {
		return err
	}
	batch := []netlink.Message{{
		Header: netlink.Header{Type: netlink.HeaderType(unix.NFNL_MSG_BATCH_BEGIN), Flags: netlink.Request},
		Data:   append([]byte{unix.AF_UNSPEC, unix.NFNETLINK_V0, 0, unix.NFNL_SUBSYS_NFTABLES}, genAttr...),
	}}
	acks := 0
	for _, m := range msgs {
		if m.Header.Flags&netlink.Acknowledge != 0 {
			acks++
		}
		batch = append(batch, m)
	}
	batch = append(batch, netlink.Message{
		Header: netlink.Header{Type: netlink.HeaderType(unix.NFNL_MSG_BATCH_END), Flags: netlink.Request},
		Data:   []byte{unix.AF_UNSPEC, unix.NFNETLINK_V0, 0, unix.NFNL_SUBSYS_NFTABLES},
	})
	if _, err := c.SendMessages(batch); err != nil {
		return permissionHint(err)
	}
	return awaitAcks(c, acks)
}

// awaitAcks reads one acknowledgement per message that asked for one. The
// kernel answers a failed transaction with its errors (the first one is
// returned); a stale generation gets a single ERESTART.
func awaitAcks(c *netlink.Conn, want int) error {
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	for got := 0; got < want; {
		res, err := c.Receive()
		if errors.Is(err, unix.ERESTART) {
			return errStale
		}
		if err != nil {
			return fmt.Errorf("the kernel rejected the nftables transaction, nothing was changed: %w", permissionHint(err))
		}
		for _, m := range res {
			if m.Header.Type == netlink.Error {
				got++
			}
		}
	}
	return nil
}
