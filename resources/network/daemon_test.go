package network

import (
	"encoding/json"
	"strings"
	"testing"
)

var seedDNS = []string{"1.1.1.1", "8.8.8.8"}

// TestWithDNSKeepsOtherBytes sets "dns" in daemon.json files of every
// shape and checks the exact bytes: only the "dns" value changes or is
// added; other keys keep their order, values and formatting.
func TestWithDNSKeepsOtherBytes(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"absent", "", "{\n  \"dns\": [\"1.1.1.1\", \"8.8.8.8\"]\n}\n"},
		{"blank", " \n", "{\n  \"dns\": [\"1.1.1.1\", \"8.8.8.8\"]\n}\n"},
		{"empty object", "{}\n", "{\n  \"dns\": [\"1.1.1.1\", \"8.8.8.8\"]\n}\n"},
		{"replace in place",
			"{\n    \"log-driver\": \"journald\",\n    \"dns\": [\"9.9.9.9\"],\n    \"mtu\": 1450\n}",
			"{\n    \"log-driver\": \"journald\",\n    \"dns\": [\"1.1.1.1\", \"8.8.8.8\"],\n    \"mtu\": 1450\n}"},
		{"append like the last key",
			"{\n\t\"log-opts\": {\"max-size\": \"10m\", \"max-file\": \"3\"},\n\t\"mtu\":1450\n}\n",
			"{\n\t\"log-opts\": {\"max-size\": \"10m\", \"max-file\": \"3\"},\n\t\"mtu\":1450,\n\t\"dns\":[\"1.1.1.1\", \"8.8.8.8\"]\n}\n"},
		{"compact one line",
			`{"bip":"172.26.0.1/16","default-address-pools":[{"base":"172.80.0.0/16","size":24}]}`,
			`{"bip":"172.26.0.1/16","default-address-pools":[{"base":"172.80.0.0/16","size":24}],"dns":["1.1.1.1", "8.8.8.8"]}`},
		{"strings with braces and escapes",
			"{\"labels\": [\"a}b\", \"c\\\"]\"], \"dns\": \"not a list\"}",
			"{\"labels\": [\"a}b\", \"c\\\"]\"], \"dns\": [\"1.1.1.1\", \"8.8.8.8\"]}"},
		{"big numbers keep their digits",
			"{\"max-concurrent-downloads\": 12345678901234567890, \"x\": 1.50}",
			"{\"max-concurrent-downloads\": 12345678901234567890, \"x\": 1.50, \"dns\": [\"1.1.1.1\", \"8.8.8.8\"]}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := readDaemon([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			got := string(doc.withDNS(seedDNS))
			if got != c.want {
				t.Fatalf("got\n%s\nwant\n%s", got, c.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("result is not valid JSON: %s", got)
			}
			again, _ := readDaemon([]byte(got))
			if !again.has(seedDNS) {
				t.Fatalf("result does not hold the DNS servers: %s", got)
			}
		})
	}
}

func TestWithoutDNS(t *testing.T) {
	cases := []struct {
		name, in, want string
		others, ours   bool
	}{
		{"clawplan's own file", "{\n  \"dns\": [\"1.1.1.1\", \"8.8.8.8\"]\n}\n", "{}\n", false, true},
		{"first of several", "{\n  \"dns\": [\"1.1.1.1\"],\n  \"mtu\": 1450\n}\n", "{\n  \"mtu\": 1450\n}\n", true, false},
		{"middle", "{\"a\": 1, \"dns\": [\"1.1.1.1\"], \"b\": 2}", "{\"a\": 1, \"b\": 2}", true, false},
		{"last", "{\n  \"a\": 1,\n  \"dns\": [\"1.1.1.1\"]\n}", "{\n  \"a\": 1\n}", true, false},
		{"only dns, user formatting", "{\"dns\":[\"1.1.1.1\"]}", "{}", false, false},
		{"no dns", "{\"a\": 1}", "{\"a\": 1}", true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := readDaemon([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			got, others := doc.withoutDNS()
			if string(got) != c.want || others != c.others {
				t.Fatalf("got %q (others %v), want %q (others %v)", got, others, c.want, c.others)
			}
			if doc.clawplanWrote() != c.ours {
				t.Fatalf("clawplanWrote = %v, want %v", !c.ours, c.ours)
			}
		})
	}
}

// TestReadDaemonRefuses lists files clawplan must not edit, each with the
// words its error must say.
func TestReadDaemonRefuses(t *testing.T) {
	cases := []struct{ name, in, says string }{
		{"trailing comma", "{\n  \"dns\": [\"1.1.1.1\"],\n}\n", "line 3, column 1"},
		{"not closed", "{\"dns\": [", "not valid JSON"},
		{"comment", "{\n  // docker has no comments\n  \"mtu\": 1450\n}", "line 2, column"},
		{"array at top", "[1, 2]", "not an object"},
		{"dns twice", "{\"dns\": [\"1.1.1.1\"], \"dns\": [\"8.8.8.8\"]}", "twice"},
		{"DNS in capitals", "{\"DNS\": [\"1.1.1.1\"]}", `"DNS", which Docker reads as "dns"`},
		{"escaped key", "{\"\\u0044ns\": []}", "case-insensitively"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readDaemon([]byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("error %v, want one saying %q", err, c.says)
			}
		})
	}
}

func TestDNSComparesValuesNotBytes(t *testing.T) {
	doc, err := readDaemon([]byte(`{"dns":["1.1.1.1","8.8.8.8"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !doc.has(seedDNS) {
		t.Error("the same servers written compactly count as a change")
	}
	if doc.has([]string{"8.8.8.8", "1.1.1.1"}) {
		t.Error("servers in another order count as the same (Docker tries them in order)")
	}
}
