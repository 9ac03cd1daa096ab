package runtime_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
)

// benchEnv names the file TestSecureGatewayBench appends its table row
// to; the test runs only when it is set (`make bench` sets it): it boots
// the disaster-recovery host and applies the seed's packages (minutes).
const benchEnv = "CLAWBENCH_SECUREGW"

// pprofEnv, when set, names a directory for CPU and allocation profiles
// of hostbench's in-process plans (cpu.pprof, mem.pprof; read them with
// `go tool pprof DIR/hostbench DIR/cpu.pprof`).
const pprofEnv = "CLAWBENCH_SECUREGW_PPROF"

// TestSecureGatewayBench is issue 7's reference figure: a warm plan of
// examples/secure-gateway (as adapted in testdata/dr/secure-gateway)
// against a host where it is applied, against the raw cost of the same
// host reads. It boots TestDisasterRecovery's host, applies the manifest
// once, and runs cmd/clawbench/hostbench inside it as root.
func TestSecureGatewayBench(t *testing.T) {
	out := os.Getenv(benchEnv)
	if out == "" || testing.Short() {
		t.Skipf("set %s=FILE to run (make bench does): it boots systemd and applies the seed's packages (minutes)", benchEnv)
	}
	dr := bootDR(t)
	bin := filepath.Join(t.TempDir(), "hostbench")
	goBuild(t, bin, "../../cmd/clawbench/hostbench")
	dr.copyIn(t, bin, "/usr/local/bin/hostbench")
	dr.standIns()
	if _, code := dr.clawplan(dr.env, "apply", "-auto-approve", drDir); code != 0 {
		t.Fatalf("the apply failed (exit %d)", code)
	}
	t.Log(dr.box.MustExec(t, "sh", "-c", settleScript))
	r := dr.hostbench(t, "-manifest", drDir, "-image", dr.sandboxTag, "-clawplan", "/usr/local/bin/clawplan", "-runs", "20")
	row := fmt.Sprintf("secure-gateway warm plan  %.1f ms  %d allocs  raw probe %.1f ms  plan/raw %.1f  (clawplan plan as a process %.0f ms; %d resources)\n",
		ms(r.PlanNS), r.Allocs, ms(r.Raw.TotalNS), r.Ratio, ms(r.CLINS), r.Resources)
	t.Log(row)
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString(row)
}

// settleScript waits (up to two minutes) until the service user's
// processes use less than 5% of a CPU over a second: the gateway the apply
// just started spends several seconds starting Node, which would be timed
// as part of the plans on this 2-core machine.
const settleScript = `prev=-1; i=0
while [ $i -lt 120 ]; do
  t=0
  for p in $(pgrep -u openclaw); do
    set -- $(sed 's/.*) //' /proc/$p/stat 2>/dev/null | cut -d' ' -f12,13)
    t=$((t + ${1:-0} + ${2:-0}))
  done
  if [ $prev -ge 0 ] && [ $((t - prev)) -lt 5 ]; then echo "the service user's processes settled after ${i}s"; exit 0; fi
  prev=$t; i=$((i + 1)); sleep 1
done
echo "the service user's processes still busy after ${i}s"`

// benchReport is the part of hostbench's JSON the table row shows.
type benchReport struct {
	Resources int     `json:"resources"`
	PlanNS    int64   `json:"plan_ns"`
	Allocs    uint64  `json:"allocs"`
	CLINS     int64   `json:"cli_plan_ns"`
	Ratio     float64 `json:"plan_raw_ratio"`
	Raw       struct {
		TotalNS int64 `json:"total_ns"`
	} `json:"raw"`
}

// hostbench runs hostbench in the host as root, without CLAWPLAN_LOG (a
// benchmark times no logging), and fetches its profiles when asked to.
func (d *drBoot) hostbench(t *testing.T, args ...string) benchReport {
	prof := os.Getenv(pprofEnv)
	if prof != "" {
		args = append(args, "-cpuprofile", "/root/cpu.pprof", "-memprofile", "/root/mem.pprof")
	}
	var env []string
	for _, e := range d.env {
		if !strings.HasPrefix(e, "CLAWPLAN_LOG=") {
			env = append(env, e)
		}
	}
	start := time.Now()
	raw, code, err := d.box.ExecEnv(context.Background(), env, nil, append([]string{"/usr/local/bin/hostbench"}, args...)...)
	if err != nil || code != 0 {
		t.Fatalf("hostbench: exit %d, %v\n%s", code, err, raw)
	}
	t.Logf("hostbench (%s):\n%s", time.Since(start).Round(time.Second), raw)
	if prof != "" {
		d.copyOut(t, "/root/cpu.pprof", prof)
		d.copyOut(t, "/root/mem.pprof", prof)
		d.copyOut(t, "/usr/local/bin/hostbench", prof)
	}
	var r benchReport
	if i := strings.Index(raw, "{"); i < 0 || json.Unmarshal([]byte(raw[i:]), &r) != nil {
		t.Fatalf("hostbench printed no report:\n%s", raw)
	}
	return r
}

// copyIn copies the file src into the host at dst (mode 0755).
func (d *drBoot) copyIn(t *testing.T, src, dst string) {
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: filepath.Base(dst), Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg})
	tw.Write(b)
	tw.Close()
	err = d.engine.Client().CopyToContainer(context.Background(), d.box.ID, filepath.Dir(dst), &buf, container.CopyToContainerOptions{})
	if err != nil {
		t.Fatalf("copying %s into the host: %v", dst, err)
	}
}

// copyOut copies the host's file src into the directory dir.
func (d *drBoot) copyOut(t *testing.T, src, dir string) {
	rc, _, err := d.engine.Client().CopyFromContainer(context.Background(), d.box.ID, src)
	if err != nil {
		t.Fatalf("copying %s out of the host: %v", src, err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	if _, err := tr.Next(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, filepath.Base(src)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, tr); err != nil {
		t.Fatal(err)
	}
}

func ms(ns int64) float64 { return float64(ns) / 1e6 }
