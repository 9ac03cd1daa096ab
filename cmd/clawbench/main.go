// Command clawbench measures how clawplan's plan scales, against the raw
// cost of reading what a plan reads. It builds synthetic manifests of N
// and 2N resources (cmd/clawbench/synth), applies each to a scratch host
// with the real clawplan binary, then times warm plans (wall time, peak
// resident memory) and prints a table. `make bench` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/clawplan/clawplan/cmd/clawbench/synth"
)

func main() {
	bin := flag.String("clawplan", "bin/clawplan", "the clawplan binary to measure")
	sizes := flag.String("sizes", "100,1000,10000", "synthetic sizes N (each also measured at 2N)")
	runs := flag.Int("runs", 3, "warm plans per size (the fastest counts)")
	flag.Parse()
	os.Setenv("CLAWBENCH_SECRET", "clawbench-secret-value")
	fmt.Printf("%-10s %10s %12s %12s %10s %12s\n", "nodes", "plan", "peak RSS", "raw read", "plan/raw", "t(2N)/t(N)")
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fail("bad size %q", s)
		}
		one, two := measure(*bin, n, *runs), measure(*bin, 2*n, *runs)
		for _, r := range []result{one, two} {
			scale := "-"
			if r.n == 2*n {
				scale = fmt.Sprintf("%.2f", two.wall.Seconds()/one.wall.Seconds())
			}
			fmt.Printf("%-10d %10s %9.1f MiB %12s %10.1f %12s\n", r.n, r.wall.Round(time.Millisecond), float64(r.rssKB)/1024,
				r.raw.Round(time.Microsecond), r.wall.Seconds()/r.raw.Seconds(), scale)
		}
	}
}

type result struct {
	n     int
	wall  time.Duration
	rssKB int64
	raw   time.Duration
}

// measure applies a synthetic manifest of n resources to a scratch host,
// then times warm plans and the raw read of the same state.
func measure(bin string, n, runs int) result {
	dir, err := os.MkdirTemp("", "clawbench-")
	if err != nil {
		fail("%v", err)
	}
	defer os.RemoveAll(dir)
	root, manifest := filepath.Join(dir, "root"), filepath.Join(dir, "manifest")
	os.MkdirAll(manifest, 0o755)
	os.WriteFile(filepath.Join(manifest, "main.hcl"), []byte(synth.Manifest(n)), 0o644)
	if err := synth.Host(root, n); err != nil {
		fail("host: %v", err)
	}
	if out, err := exec.Command(bin, "apply", "--root", root, "-auto-approve", manifest).CombinedOutput(); err != nil {
		fail("apply %d: %v\n%s", n, err, tail(out))
	}
	r := result{n: n, wall: time.Hour}
	for i := 0; i < runs; i++ {
		start := time.Now()
		cmd := exec.Command(bin, "plan", "--root", root, "-detailed-exitcode", manifest)
		out, err := cmd.CombinedOutput()
		wall := time.Since(start)
		if err != nil {
			fail("plan %d is not clean (want no changes): %v\n%s", n, err, tail(out))
		}
		r.wall = min(r.wall, wall)
		r.rssKB = max(r.rssKB, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
	}
	r.raw = rawRead(root, runs)
	return r
}

// rawRead is the physical floor of a plan: read every file of the host
// tree once and the cron table, with no engine work at all (fastest of runs).
func rawRead(root string, runs int) time.Duration {
	best := time.Hour
	for i := 0; i < runs; i++ {
		start := time.Now()
		var files []string
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && !strings.Contains(p, "/var/lib/clawplan/") {
				files = append(files, p)
			}
			return nil
		})
		sort.Strings(files)
		for _, f := range files {
			os.ReadFile(f)
		}
		if err := synth.ReadJobs(root); err != nil {
			fail("raw read of the cron table: %v", err)
		}
		best = min(best, time.Since(start))
	}
	return best
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "clawbench: "+format+"\n", args...)
	os.Exit(1)
}
