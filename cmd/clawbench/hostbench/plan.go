package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clawplan/clawplan/cmd/clawplan/views"
	"github.com/clawplan/clawplan/engine"
	"github.com/clawplan/clawplan/engine/config"
	_ "github.com/clawplan/clawplan/resources/all"
)

// learn plans once, untimed, and records what the plan read.
func learn(r *Report, manifest, root string) error {
	s, p, err := planOnce(manifest, root)
	if err != nil {
		return err
	}
	r.Resources = len(p.Changes)
	r.Files, r.Memos = s.Host.Probed()
	r.StateDir = s.Host.StateDir
	return nil
}

// measure plans in-process and replays the raw reads, in turn, r.Runs
// times; it records the fastest and median plan, the fewest allocations
// and the fastest of each raw read.
func measure(r *Report, raw *rawProbe, manifest, root string) error {
	var walls []time.Duration
	r.Allocs, r.AllocBytes = ^uint64(0), ^uint64(0)
	for i := 0; i < r.Runs; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rchar := readChars()
		start := time.Now()
		_, _, err := planOnce(manifest, root)
		walls = append(walls, time.Since(start))
		r.PlanReadBytes = readChars() - rchar
		runtime.ReadMemStats(&after)
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		r.Allocs = min(r.Allocs, after.Mallocs-before.Mallocs)
		r.AllocBytes = min(r.AllocBytes, after.TotalAlloc-before.TotalAlloc)
		if err := raw.round(); err != nil {
			return fmt.Errorf("raw probe: %w", err)
		}
	}
	slices.Sort(walls)
	r.PlanNS, r.PlanMedianNS = int64(walls[0]), int64(walls[len(walls)/2])
	var err error
	r.Raw, err = raw.finish(r.Runs)
	return err
}

// planOnce is `clawplan plan`'s work: load, open the session, plan and
// render; the host must be applied, so the plan must have no changes.
func planOnce(manifest, root string) (*engine.Session, *engine.Plan, error) {
	cfg, diags := engine.Load(manifest, config.Options{Environ: os.Environ()})
	if diags.HasErrors() {
		return nil, nil, diags
	}
	s, err := engine.NewSession(cfg, root, nil, false)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Plan(context.Background(), engine.PlanOptions{})
	if err != nil {
		return nil, nil, err
	}
	text := views.Text(p, views.Style{})
	if p.HasChanges() {
		return nil, nil, fmt.Errorf("the host is not applied (want no changes):\n%s", text)
	}
	return s, p, nil
}

// cliPlan is the fastest of runs `clawplan plan -detailed-exitcode`.
func cliPlan(bin, manifest, root string, runs int) (int64, error) {
	d, err := best(runs, func() error {
		var out bytes.Buffer
		cmd := exec.Command(bin, "plan", "-detailed-exitcode", "-no-color", "-root", root, manifest)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v (want exit 0, no changes)\n%s", err, out.String())
		}
		return nil
	})
	return int64(d), err
}

// readChars is the bytes this process has read so far (rchar in
// /proc/self/io: files, sockets and pipes alike), or 0 when unknown.
func readChars() int64 {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "rchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}
