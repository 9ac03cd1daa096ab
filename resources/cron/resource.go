package cron

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"path"
	"strconv"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
)

// applyPatience is how long Apply waits for the gateway's port before it
// fails: long enough for a gateway that is just coming up, short enough
// that a stopped one fails the apply at once.
var applyPatience = 3 * time.Second

// Job is one declared cron block, or an orphan rebuilt from its record.
type Job struct {
	addr   resources.Addr
	raw    block
	spec   Spec
	at     where
	key    string // orphans: from the record
	user   string // settled from the block or the catalog
	port   int    // the gateway block's port, 0 when none
	prefix string // the gateway block's install_prefix, "" for the default
	deps   []resources.Addr
	orphan bool
}

var (
	_ resources.Resource       = (*Job)(nil)
	_ resources.Owner          = (*Job)(nil)
	_ resources.CrossValidator = (*Job)(nil)
	_ resources.Dependent      = (*Job)(nil)
	_ resources.Replacer       = (*Job)(nil)
	_ resources.SourceHolder   = (*Job)(nil)
)

// Addr returns the block's address.
func (j *Job) Addr() resources.Addr { return j.addr }

// ReleaseSource drops the attribute ranges once the manifest is validated.
func (j *Job) ReleaseSource() { j.at = where{block: j.at.block} }

// Key is the job's declaration key: clawplan:LABEL.
func (j *Job) Key() string {
	if j.key != "" {
		return j.key
	}
	return KeyPrefix + j.addr.Name
}

func (j *Job) userName() string {
	switch {
	case j.user != "":
		return j.user
	case j.raw.User != "":
		return j.raw.User
	}
	return defaultUser
}

// probed is what a probe found.
type probed struct {
	acct      account.User
	db        string // host path of the database
	dbExists  bool
	row       *storedRow // nil: no job under the key
	port      int
	gatewayUp bool
	now       time.Time
}

// Probe reads the job from OpenClaw's database (one read per plan for all
// cron blocks) and checks whether the gateway listens.
func (j *Job) Probe(_ context.Context, h *resources.Host) (resources.State, error) {
	p, err := j.probe(h)
	if err != nil {
		return resources.State{}, err
	}
	fp := h.Fingerprint([]byte(j.Key()), []byte("absent"))
	if p.row != nil {
		fp = h.Fingerprint([]byte(j.Key()), p.row.Job.canonical())
	}
	return resources.State{Exists: p.row != nil, Fingerprint: fp, Private: p}, nil
}

func (j *Job) probe(h *resources.Host) (*probed, error) {
	acct, err := account.Lookup(h, j.userName())
	if err != nil {
		return nil, err
	}
	p := &probed{acct: acct, db: dbPath(acct.Home), now: time.Now()}
	js, err := readJobs(h, p.db)
	if err != nil {
		return nil, err
	}
	p.dbExists = js.Exists
	if row, ok := js.ByKey[j.Key()]; ok {
		p.row = &row
	}
	p.port = j.gatewayPort(h, acct.Home)
	up, _ := h.Memo("cron.gateway:"+strconv.Itoa(p.port), func() (any, error) { return reachable(p.port, 0), nil })
	p.gatewayUp = up.(bool)
	return p, nil
}

// gatewayPort is the port the CLI will reach the gateway on: gateway.port
// in the user's openclaw.json, else the gateway block's, else 18789.
func (j *Job) gatewayPort(h *resources.Host, home string) int {
	// Parsed once per run: every job of a user asks, and parsing the whole
	// openclaw.json per job made planning N jobs cost N squared.
	v, _ := h.Memo("cron.gatewayPort:"+home, func() (any, error) { return configPort(h, home), nil })
	if p := v.(int); p > 0 {
		return p
	}
	if j.port > 0 {
		return j.port
	}
	return defaultPort
}

// configPort is gateway.port from the user's openclaw.json, or 0.
func configPort(h *resources.Host, home string) int {
	p := path.Join(home, ".openclaw/openclaw.json")
	if f, err := h.ReadFile(p); err == nil && f.Exists {
		if d, err := doc.ParseShared(h, p, f.Content); err == nil {
			if v, ok := doc.Get(d.Root, doc.Keys("gateway", "port")); ok && v.Kind == doc.Number {
				if n, ok := new(big.Float).SetString(v.Text); ok {
					if p, acc := n.Int64(); acc == big.Exact && p > 0 && p < 65536 {
						return int(p)
					}
				}
			}
		}
	}
	return 0
}

// Ownership records the job's key and the user whose gateway keeps it.
func (j *Job) Ownership() (json.RawMessage, error) {
	return json.Marshal(ownership{Key: j.Key(), User: j.userName(), Port: j.port})
}

// gatewayDown is the error Apply and Restore return without a gateway.
func gatewayDown(p int, user string) error {
	return fmt.Errorf("the OpenClaw gateway is not reachable on 127.0.0.1:%d, and cron jobs can only be changed through it; "+
		"start it (as %s: systemctl --user start openclaw-gateway) and apply again", p, user)
}

// cliFor is a CLI for the job's user, once the gateway answers.
func (j *Job) cliFor(h *resources.Host, user string, port int) (*cli, account.User, error) {
	h.Forget("/etc/passwd") // a block of this apply may have created the user
	acct, err := account.Lookup(h, user)
	if err != nil {
		return nil, acct, err
	}
	if port == 0 {
		port = j.gatewayPort(h, acct.Home)
	}
	if !reachable(port, applyPatience) {
		return nil, acct, gatewayDown(port, user)
	}
	c, err := newCLI(h, acct, port, j.prefix)
	return c, acct, err
}
