package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
)

// TestMain lets the test binary double as the clawplan binary (with the
// testfile kind linked in) for tests that need a separate process: kill -9,
// concurrent applies, the confirm watchdog.
func TestMain(m *testing.M) {
	restest.RegisterFileKind()
	// A block type that is recognised but has no kind, as every type had
	// before its kind was built: its diagnostic is golden-tested.
	resources.BlockTypes = append(resources.BlockTypes, "notyet")
	if os.Getenv("CLAWPLAN_TEST_AS_CLI") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// result is what one clawplan invocation printed and returned.
type result struct {
	out, err string
	code     int
}

// clawplan runs the CLI in-process.
func clawplan(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return result{out.String(), errb.String(), code}
}

// spawn starts clawplan as a separate process (this test binary).
func spawn(t *testing.T, env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "CLAWPLAN_TEST_AS_CLI=1"), env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, &buf
}

// writeManifest writes files (name -> content) into a fresh directory.
func writeManifest(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// threeFiles is a manifest of three files applied strictly in order a, b, c.
const threeFiles = `
testfile "a" {
  path    = "/etc/app/a.conf"
  content = "a-new\n"
  mode    = "0640"
}
testfile "b" {
  path       = "/etc/locked/b.conf"
  content    = "b-new\n"
  depends_on = [testfile.a]
}
testfile "c" {
  path       = "/etc/app/c.conf"
  content    = "c-new\n"
  depends_on = [testfile.b]
}
`
