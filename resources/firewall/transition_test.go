package firewall

import (
	"encoding/hex"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// kinds lists a transaction's message types, by name.
func kinds(t *testing.T, r *Firewall, live []rawMsg) (string, bool) {
	t.Helper()
	msgs, recreated, err := transition(unix.NFPROTO_INET, r.s.Table, live, r.want)
	if err != nil {
		t.Fatal(err)
	}
	names := map[uint16]string{unix.NFT_MSG_NEWTABLE: "newtable", unix.NFT_MSG_DELTABLE: "deltable", unix.NFT_MSG_NEWSET: "newset",
		unix.NFT_MSG_DELSET: "delset", unix.NFT_MSG_NEWSETELEM: "newelem", unix.NFT_MSG_DELSETELEM: "delelem",
		unix.NFT_MSG_NEWCHAIN: "newchain", unix.NFT_MSG_DELCHAIN: "delchain", unix.NFT_MSG_NEWRULE: "rule", unix.NFT_MSG_DELRULE: "flush"}
	var out []string
	for _, m := range msgs {
		o, _ := fromMessage(m)
		if n := names[o.Type]; n != "rule" || len(out) == 0 || out[len(out)-1] != "rule" {
			out = append(out, n)
		}
	}
	return strings.Join(out, " "), recreated
}

func objectsOf(t *testing.T, r *Firewall, edit func(*tableSpec)) []rawMsg {
	t.Helper()
	spec := wantTable(r.s.Table, r.addr.String(), r.s.Interface, r.d)
	edit(&spec)
	objs, err := spec.objects()
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func TestTransition(t *testing.T) {
	r := decode(t, changedBlock)
	old := decode(t, defaultBlock)
	cases := []struct {
		name      string
		live      []rawMsg
		want      string
		recreated bool
	}{
		{"absent: create", nil, "newtable deltable newtable newset newelem newset newelem newset newelem newset newchain newchain rule", true},
		{"set elements and a rule change: in place, by delta",
			old.want, "flush flush newelem newchain newchain rule", false},
		{"new owner comment: recreate", objectsOf(t, r, func(s *tableSpec) { s.Comment = "" }),
			"newtable deltable newtable newset newelem newset newelem newset newelem newset newchain newchain rule", true},
		{"a set missing: created in place", objectsOf(t, r, func(s *tableSpec) { s.Sets = s.Sets[:3] }),
			"flush flush newset newchain newchain rule", false},
	}
	for _, c := range cases {
		got, recreated := kinds(t, r, c.live)
		if got != c.want || recreated != c.recreated {
			t.Errorf("%s: %q recreated=%v\nwant %q recreated=%v", c.name, got, recreated, c.want, c.recreated)
		}
	}
}

// TestSetDeltaOrder: only the changed elements are sent, in ascending
// order with each interval's start before its end.
func TestSetDeltaOrder(t *testing.T) {
	old := decode(t, defaultBlock)
	r := decode(t, `firewall "sandbox" { extra_blocked = ["198.51.100.0/24", "11.0.0.0/8", "203.0.113.0/24"] }`)
	objs, ok, err := setDelta(unix.NFPROTO_INET, "oc_sandbox", setPrivate4, old.want, r.want)
	if err != nil || !ok || len(objs) != 2 {
		t.Fatalf("delta: %v %v %d objects", ok, err, len(objs))
	}
	var got []string
	for _, o := range objs {
		for _, e := range setElements(o) {
			got = append(got, hex.EncodeToString(e.Key)+map[bool]string{true: "e", false: "s"}[e.End])
		}
	}
	// 10/8's end (11.0.0.0) goes, 10/7's end (12.0.0.0) comes, and two new ranges.
	if want := "0b000000e 0c000000e c6336400s c6336500e cb007100s cb007200e"; strings.Join(got, " ") != want {
		t.Errorf("delta elements %s, want %s", strings.Join(got, " "), want)
	}
}
