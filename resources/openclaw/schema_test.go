package openclaw

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2"
)

var (
	schemaOnce  sync.Once
	schemaBytes []byte
	schemaErr   error
)

// realSchema is `openclaw config schema` of the installed CLI, fetched
// once per test binary through the code path plans use.
func realSchema(t testing.TB) []byte {
	t.Helper()
	bin := openclawBin(t)
	schemaOnce.Do(func() {
		h := restest.NewHost(t)
		ver, err := packageVersion(bin)
		if err != nil {
			schemaErr = err
			return
		}
		schemaBytes, schemaErr = fetchSchema(t.Context(), h, &installation{bin: bin, version: ver})
	})
	if schemaErr != nil {
		t.Fatal(schemaErr)
	}
	return schemaBytes
}

// cacheSchema puts the schema of the pinned version in h's state directory.
func cacheSchema(t *testing.T, h *resources.Host) {
	t.Helper()
	if err := hostfs.WriteAtomic(schemaCache(h, pinned()), realSchema(t), 0o600, 0o700, hostfs.Keep); err != nil {
		t.Fatal(err)
	}
}

// With OpenClaw installed, the first plan fetches its schema once into
// the state directory (0600); later plans never start the CLI.
func TestSchemaFetchedOnceAndCached(t *testing.T) {
	bin := openclawBin(t)
	h := restest.NewHost(t)
	t.Setenv(openclawEnv, bin)
	w := synth(t, mustManifest(t, readExample(t)))
	ch := plan(t, h, w)[w.addr]
	if !noteContains(ch, "validates against the JSON Schema of OpenClaw "+pinned()+" (installed)") {
		t.Fatalf("notes: %q", ch.Notes)
	}
	fi, err := os.Stat(schemaCache(h, pinned()))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("schema cache: %v %v", fi, err)
	}
	t.Setenv(openclawEnv, failingOpenClaw(t))
	start := time.Now()
	ch = plan(t, restest.Fresh(h), w)[w.addr]
	if !noteContains(ch, "validates against") {
		t.Fatalf("cached plan notes: %q", ch.Notes)
	}
	t.Logf("plan with the cached schema: %v", time.Since(start))
}

// failingOpenClaw is a fault-injection stub: an npm-style install of
// openclaw at the pinned version whose binary fails if it is ever run.
func failingOpenClaw(t *testing.T) string {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "node_modules", "openclaw")
	os.MkdirAll(pkg, 0o755)
	os.MkdirAll(filepath.Join(dir, "node_modules", ".bin"), 0o755)
	os.WriteFile(filepath.Join(pkg, "package.json"), []byte(`{"name":"openclaw","version":"`+pinned()+`"}`), 0o644)
	os.WriteFile(filepath.Join(pkg, "openclaw.mjs"), []byte("#!/bin/sh\necho the CLI must not run >&2\nexit 1\n"), 0o755)
	bin := filepath.Join(dir, "node_modules", ".bin", "openclaw")
	if err := os.Symlink("../openclaw/openclaw.mjs", bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// A value the installed version rejects is an error at the manifest
// attribute that produced it; a rejected key nobody manages is a warning.
func TestSchemaRejectionPointsAtAttribute(t *testing.T) {
	h := newHost(t)
	cacheSchema(t, h)
	writeConfig(t, h, `{"meta": {"handAdded": true}}`)
	src := strings.Replace(readExample(t), "max_concurrent           = 2", "max_concurrent           = 0", 1)
	cat := mustManifest(t, src)
	w := synth(t, cat)
	st, err := w.Probe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Diff(st)
	var diags hcl.Diagnostics
	if !errors.As(err, &diags) {
		t.Fatalf("diff error %v, want diagnostics", err)
	}
	var found bool
	for _, d := range diags {
		if d.Severity == hcl.DiagError && strings.Contains(d.Summary, "rejects agents.defaults.maxConcurrent") {
			found = d.Subject != nil && d.Subject.Start.Line == lineOf(src, "max_concurrent           = 0")
		}
	}
	if !found {
		t.Fatalf("no error at the max_concurrent line: %s", renderDiags(diags))
	}
	if !strings.Contains(renderDiags(diags), "meta.handAdded: unknown key") {
		t.Fatalf("unmanaged key not reported as a warning: %s", renderDiags(diags))
	}
	t.Logf("diagnostics:\n%s", renderDiags(diags))
	for _, d := range diags {
		if strings.Contains(d.Detail, "meta.handAdded") && d.Severity != hcl.DiagWarning {
			t.Errorf("unmanaged key is an error: %s", d.Detail)
		}
	}
}

func lineOf(src, s string) int {
	return strings.Count(src[:strings.Index(src, s)], "\n") + 1
}

// Without OpenClaw, the plan validates against a cached schema of the
// pinned version, or says it could not validate.
func TestSchemaWithoutOpenClaw(t *testing.T) {
	h := newHost(t)
	w := synth(t, mustManifest(t, readExample(t)))
	if ch := plan(t, h, w)[w.addr]; !noteContains(ch, "could not be validated") {
		t.Fatalf("notes: %q", ch.Notes)
	}
	cacheSchema(t, h)
	if ch := plan(t, restest.Fresh(h), w)[w.addr]; !noteContains(ch, "cached schema") || !noteContains(ch, "validates against") {
		t.Fatalf("notes: %q", ch.Notes)
	}
}

func TestStripLookaround(t *testing.T) {
	for in, want := range map[string]string{
		`^(?!(?:constructor|prototype)$)[a-z0-9][a-z0-9_-]{0,63}$`: `^[a-z0-9][a-z0-9_-]{0,63}$`,
		`^(?!\s)(?![\s\S]*\s$)[^\p{Cs}]{1,64}$`:                    `^[^\p{Cs}]{1,64}$`,
		`^\d+(?:ms|s)(?![\s\S])`:                                   `^\d+(?:ms|s)`,
		`a\(?!b)`:                                                  `a\(?!b)`,
	} {
		if got := stripLookaround(in); got != want {
			t.Errorf("stripLookaround(%q) = %q, want %q", in, got, want)
		}
	}
}

// A document that validated is remembered (a marker named by a keyed
// hash): the next plan of the same document does not compile the schema
// again, which a schema swapped behind its back shows. A rejected document
// leaves no marker and is rejected every time.
func TestValidationRememberedOnlyWhenValid(t *testing.T) {
	h := newHost(t)
	cacheSchema(t, h)
	w := synth(t, mustManifest(t, readExample(t)))
	if ch := plan(t, h, w)[w.addr]; !noteContains(ch, "validates against") {
		t.Fatalf("notes: %q", ch.Notes)
	}
	marks, _ := os.ReadDir(validCacheDir(h))
	if len(marks) != 1 {
		t.Fatalf("%d markers after a valid plan, want 1", len(marks))
	}
	// The same version's schema, now refusing everything: only a remembered
	// result can still pass the same document.
	if err := hostfs.WriteAtomic(schemaCache(h, pinned()), []byte(`{"type":"object","additionalProperties":false}`), 0o600, 0o700, hostfs.Keep); err != nil {
		t.Fatal(err)
	}
	if ch := plan(t, restest.Fresh(h), w)[w.addr]; !noteContains(ch, "validates against") {
		t.Fatalf("the remembered document was validated again: %q", ch.Notes)
	}
	cacheSchema(t, h)
	bad := synth(t, mustManifest(t, strings.Replace(readExample(t), "max_concurrent           = 2", "max_concurrent           = 0", 1)))
	for i := 0; i < 2; i++ {
		st, err := bad.Probe(t.Context(), restest.Fresh(h))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bad.Diff(st); err == nil {
			t.Fatalf("plan %d of a rejected document passed", i+1)
		}
	}
	if marks, _ := os.ReadDir(validCacheDir(h)); len(marks) != 1 {
		t.Fatalf("%d markers after rejected plans, want still 1", len(marks))
	}
}
