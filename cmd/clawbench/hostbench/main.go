// Command hostbench measures a warm plan on a host where the manifest is
// applied, against the physical floor of that plan: the same host reads
// with no engine work. A first plan finds what a plan reads (the files in
// its read cache, the nftables table over netlink, the sandbox image and
// containers over the Docker API, the gateway unit's state over D-Bus).
// Then, -runs times, it plans in-process (load, session, plan, text
// rendering, as `clawplan plan` does) and replays those reads, one after
// the other so that a busy machine slows both alike, keeping the fastest
// of each and the fewest allocations. It also times `clawplan plan` as a
// process when -clawplan is set, and prints everything as one JSON object.
//
// resources/runtime's TestSecureGatewayBench runs it as root inside the
// disaster-recovery host after applying examples/secure-gateway.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/clawplan/clawplan/resources/runtime/sandboximg"
)

// Report is hostbench's output.
type Report struct {
	Resources int `json:"resources"`
	Runs      int `json:"runs"`
	// PlanNS is the fastest in-process plan; PlanMedianNS the median.
	PlanNS       int64 `json:"plan_ns"`
	PlanMedianNS int64 `json:"plan_median_ns"`
	// Allocs and AllocBytes are the fewest of any run (the first pays
	// one-time initialisation).
	Allocs     uint64 `json:"allocs"`
	AllocBytes uint64 `json:"alloc_bytes"`
	// CLIPlanNS is the fastest `clawplan plan` as a process (0: not run).
	CLIPlanNS int64 `json:"cli_plan_ns,omitempty"`
	// Files and Memos are what the plan read: its read cache (and the files
	// its Memos name), its host queries. StateDir is clawplan's.
	Files    []string `json:"files"`
	Memos    []string `json:"memos"`
	StateDir string   `json:"state_dir"`
	Raw      Raw      `json:"raw"`
	// Ratio is PlanNS / Raw.TotalNS.
	Ratio float64 `json:"plan_raw_ratio"`
	// ReadBytes is what one plan and one raw probe read (rchar, /proc/self/io).
	PlanReadBytes int64 `json:"plan_read_bytes"`
	RawReadBytes  int64 `json:"raw_read_bytes"`
}

func main() {
	manifest := flag.String("manifest", ".", "the applied manifest")
	root := flag.String("root", "/", "the host root")
	runs := flag.Int("runs", 10, "plans and raw probes (the fastest counts)")
	cli := flag.String("clawplan", "", "also time this clawplan binary's plan as a process")
	tag := flag.String("image", "", "the sandbox image tag the plan inspects")
	prefix := flag.String("prefix", sandboximg.DefaultPrefix, "the sandbox container name prefix")
	cpuprof := flag.String("cpuprofile", "", "write a CPU profile of the timed runs to `FILE`")
	memprof := flag.String("memprofile", "", "write an allocation profile of the timed runs to `FILE`")
	flag.Parse()
	r := Report{Runs: *runs}
	if err := learn(&r, *manifest, *root); err != nil {
		fail("plan: %v", err)
	}
	q, err := queriesOf(r.Memos, r.StateDir, *tag, *prefix)
	if err != nil {
		fail("%v", err)
	}
	r.Files = append(r.Files, q.files...)
	raw, err := newRawProbe(r.Files, q)
	if err != nil {
		fail("raw probe: %v", err)
	}
	r.RawReadBytes = raw.readBytes
	if err := profiled(*cpuprof, *memprof, func() error { return measure(&r, raw, *manifest, *root) }); err != nil {
		fail("%v", err)
	}
	if *cli != "" {
		ns, err := cliPlan(*cli, *manifest, *root, *runs)
		if err != nil {
			fail("%s plan: %v", *cli, err)
		}
		r.CLIPlanNS = ns
	}
	r.Ratio = float64(r.PlanNS) / float64(r.Raw.TotalNS)
	out, _ := json.MarshalIndent(r, "", "  ")
	fmt.Println(string(out))
}

// profiled runs fn with a CPU profile to cpu and then writes the
// allocation profile to mem (at the default sampling rate, which does not
// distort the timings), when they are set.
func profiled(cpu, mem string, fn func() error) error {
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if err := fn(); err != nil || mem == "" {
		return err
	}
	f, err := os.Create(mem)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

// best is the fastest of runs calls of fn.
func best(runs int, fn func() error) (time.Duration, error) {
	min := time.Duration(1<<63 - 1)
	for i := 0; i < runs; i++ {
		start := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		min = minDur(min, time.Since(start))
	}
	return min, nil
}

func minDur(a, b time.Duration) time.Duration {
	if b < a {
		return b
	}
	return a
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "hostbench: "+format+"\n", args...)
	os.Exit(1)
}
