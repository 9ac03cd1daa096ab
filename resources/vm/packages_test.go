package vm

import (
	"context"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// TestPackagesPlan plans on a recorded dpkg status: a removed package with
// config files left and a half-configured one count as missing, and the
// plan lists exactly the missing packages in one apt command.
func TestPackagesPlan(t *testing.T) {
	h := baseRoot(t, "status-partial")
	r := restest.MustDecode(t, Kind{}, strings.Replace(accountsOnly, "%s", `  packages = ["jq", "ripgrep", "git"]
`, 1), nil)
	st, ch := restest.Plan(t, h, r)
	o := st.Private.(*observed)
	want := []string{"gnupg", "build-essential", "file", "ripgrep"}
	if !reflect.DeepEqual(o.missing, want) {
		t.Fatalf("missing = %v, want %v", o.missing, want)
	}
	notes := strings.Join(ch.Notes, "\n")
	if !strings.Contains(notes, "apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold gnupg build-essential file ripgrep") ||
		!strings.Contains(notes, "rollback does not uninstall") {
		t.Errorf("notes:\n%s", notes)
	}
	if ch.Attrs[0].Path != "packages.gnupg" || ch.Attrs[0].Before != "missing" || len(ch.Attrs) < 4 || ch.Attrs[3].Path != "packages.ripgrep" {
		t.Errorf("first attr = %+v", ch.Attrs[0])
	}
	err := r.Apply(context.Background(), h, ch)
	if err == nil || !strings.Contains(err.Error(), "needs the real root") {
		t.Errorf("apply under a temp root must refuse apt-get: %v", err)
	}
	if _, err := exec.LookPath("useradd"); err == nil && strings.Contains(mustRead(t, h.Root+"/etc/passwd"), "openclaw") {
		t.Error("a failed package install must stop before the accounts")
	}
}

func TestParseDpkgStatus(t *testing.T) {
	got := parseDpkgStatus("Package: a\nStatus: install ok installed\n\nPackage: b\nStatus: deinstall ok config-files\n\nPackage: c\nArchitecture: amd64\nStatus: install ok installed")
	if !got["a"] || got["b"] || !got["c"] || len(got) != 2 {
		t.Errorf("parsed %v", got)
	}
}

// TestAptTransaction runs the real apt transaction on this machine for a
// package that is already installed: apt-get succeeds without a download.
func TestAptTransaction(t *testing.T) {
	restest.NeedRoot(t)
	_, err := exec.LookPath("apt-get")
	restest.Need(t, err == nil, "apt-get")
	h := resources.NewHost("/", t.TempDir(), []byte("k"), nil)
	inst, err := installedPackages(h)
	restest.Need(t, err == nil && inst["procps"], fmt.Sprintf("the procps package (apt-get install procps; %v)", err))
	if err := installPackages(context.Background(), h, []string{"procps"}); err != nil {
		t.Fatal(err)
	}
}
