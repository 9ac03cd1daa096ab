package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clawplan/clawplan/resources/hostfs"
)

// Raw is the physical floor of the plan: each host read it made, timed
// alone (fastest of runs) with the libraries clawplan uses, and no engine
// work. TotalNS is their sum; ParallelNS all four at once, as a plan's
// concurrent probes could at best overlap them.
type Raw struct {
	Files   int   `json:"files"`
	FilesNS int64 `json:"files_ns"`
	// FileNS is each file's read alone (fastest of runs).
	FileNS     map[string]int64 `json:"file_ns"`
	NftNS      int64            `json:"nftables_ns"`
	NftObjects int              `json:"nftables_objects"`
	DockerNS   int64            `json:"docker_ns"`
	DBusNS     int64            `json:"dbus_ns"`
	TotalNS    int64            `json:"total_ns"`
	ParallelNS int64            `json:"parallel_ns"`
}

// queries are the host queries to replay, found in the plan's Memo keys.
type queries struct {
	table         string // nftables inet table ("": the plan read none)
	uid           int    // the gateway's user (-1: no unit state read)
	docker        bool
	image, prefix string
	// files are read outside the read cache: the cached OpenClaw schema
	// and the cron table's SQLite file (read whole here).
	files []string
}

// queriesOf reads the queries from the plan's Memo keys: firewall:NS:inet:TABLE,
// gateway_service/status/UID, sandbox_image/docker, openclaw.schema-bytes:VERSION
// (a file in the state directory) and cron.jobs:PATH.
func queriesOf(memos []string, stateDir, image, prefix string) (queries, error) {
	q := queries{uid: -1, image: image, prefix: prefix}
	for _, m := range memos {
		switch {
		case strings.HasPrefix(m, "openclaw.schema-bytes:"):
			v := strings.TrimPrefix(m, "openclaw.schema-bytes:")
			q.files = append(q.files, filepath.Join(stateDir, "openclaw", "schema", "openclaw-"+v+".json"))
		case strings.HasPrefix(m, "cron.jobs:"):
			q.files = append(q.files, strings.TrimPrefix(m, "cron.jobs:"))
		case strings.HasPrefix(m, "firewall:"):
			parts := strings.Split(m, ":")
			if parts[1] != "" {
				return q, fmt.Errorf("the firewall is in netns %s: run hostbench there", parts[1])
			}
			q.table = parts[len(parts)-1]
		case strings.HasPrefix(m, "gateway_service/status/"):
			q.uid, _ = strconv.Atoi(strings.TrimPrefix(m, "gateway_service/status/"))
		case m == "sandbox_image/docker":
			q.docker = true
		}
	}
	if q.docker && q.image == "" {
		return q, fmt.Errorf("the plan inspects a sandbox image: name its tag with -image")
	}
	return q, nil
}

// part is one kind of host read and where its fastest time goes.
type part struct {
	ns *int64
	fn func() error
}

// rawProbe replays a plan's reads: each kind of read timed alone, the
// fastest of the rounds kept.
type rawProbe struct {
	r         Raw
	files     []string
	parts     []part
	readBytes int64 // what one round reads
}

// newRawProbe prepares the reads and runs one untimed round.
func newRawProbe(files []string, q queries) (*rawProbe, error) {
	p := &rawProbe{files: files, r: Raw{Files: len(files)}}
	r := &p.r
	p.parts = []part{{&r.FilesNS, func() error { return readFiles(files) }}}
	if q.table != "" {
		p.parts = append(p.parts, part{&r.NftNS, func() error { return dumpTable(q.table, &r.NftObjects) }})
	}
	if q.docker {
		p.parts = append(p.parts, part{&r.DockerNS, func() error { return dockerObjects(q.image, q.prefix) }})
	}
	if q.uid >= 0 {
		p.parts = append(p.parts, part{&r.DBusNS, func() error { return unitState(q.uid) }})
	}
	for _, pt := range p.parts {
		*pt.ns = 1<<63 - 1
	}
	rchar := readChars()
	err := runAll(p.parts, false)
	p.readBytes = readChars() - rchar
	return p, err
}

// round times each kind of read once.
func (p *rawProbe) round() error {
	for _, pt := range p.parts {
		start := time.Now()
		if err := pt.fn(); err != nil {
			return err
		}
		*pt.ns = min(*pt.ns, int64(time.Since(start)))
	}
	return nil
}

// finish sums the fastest reads and times each file alone and all kinds
// of read at once (fastest of runs).
func (p *rawProbe) finish(runs int) (Raw, error) {
	for _, pt := range p.parts {
		p.r.TotalNS += *pt.ns
	}
	p.r.FileNS = map[string]int64{}
	for _, f := range p.files {
		d, _ := best(runs, func() error { return readFiles([]string{f}) })
		p.r.FileNS[f] = int64(d)
	}
	par, err := best(runs, func() error { return runAll(p.parts, true) })
	p.r.ParallelNS = int64(par)
	return p.r, err
}

// runAll runs every part once, one after another or all at once.
func runAll(parts []part, concurrent bool) error {
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		if !concurrent {
			errs[i] = p.fn()
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = p.fn() }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// readFiles reads each file as the plan's read cache does (hostfs.Read:
// lstat, read, owner).
func readFiles(files []string) error {
	for _, f := range files {
		if _, err := hostfs.Read(f); err != nil {
			return err
		}
	}
	return nil
}

// timeout bounds one raw query.
func timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}
