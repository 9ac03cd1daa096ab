package sandboximg

import (
	"strings"
	"testing"

	"github.com/clawplan/clawplan/resources/restest"
	"github.com/hashicorp/hcl/v2"
)

func TestValidate(t *testing.T) {
	const creds, ws = "/home/openclaw/.openclaw/credentials", "/home/openclaw/.openclaw/workspace"
	cases := []struct {
		name, dockerfile, tag, user string
		binds                       []string
		want                        string // summary of the first diagnostic, "" for none
	}{
		{"seed", "FROM debian:bookworm-slim\n", "openclaw-sandbox:custom", "1000:1000", []string{creds + ":" + creds + ":ro", ws + ":" + ws + ":rw"}, ""},
		{"workspace default rw", "FROM x\n", "openclaw-sandbox:custom", "1000:1000", []string{ws + ":/ws"}, ""},
		{"credentials rw", "FROM x\n", "openclaw-sandbox:custom", "1000:1000", []string{creds + ":" + creds + ":rw"}, "Credentials bind is writable"},
		{"credentials default", "FROM x\n", "openclaw-sandbox:custom", "1000:1000", []string{creds + ":/c"}, "Credentials bind is writable"},
		{"workspace ro", "FROM x\n", "openclaw-sandbox:custom", "1000:1000", []string{ws + ":/ws:ro"}, "Workspace bind is read-only"},
		{"docker socket", "FROM x\n", "openclaw-sandbox:custom", "1000:1000", []string{"/var/run/docker.sock:/var/run/docker.sock"}, "Dangerous sandbox bind"},
		{"relative bind", "FROM x\n", "openclaw-sandbox:custom", "1000:1000", []string{"data:/data"}, "Invalid sandbox bind"},
		{"bad tag", "FROM x\n", "Openclaw Sandbox", "1000:1000", nil, "Invalid sandbox image tag"},
		{"no FROM", "RUN true\n", "openclaw-sandbox:custom", "1000:1000", nil, "Dockerfile without FROM"},
		{"user name", "FROM x\n", "openclaw-sandbox:custom", "openclaw", nil, "Invalid sandbox container user"},
	}
	for _, c := range cases {
		img := newImage(t, sandbox(c.dockerfile, c.tag, c.user, c.binds...), "")
		diags := img.Validate()
		got := ""
		if len(diags) > 0 {
			got = diags[0].Summary
		}
		if got != c.want {
			t.Errorf("%s: diagnostics %v, want %q", c.name, diags, c.want)
		}
		for _, d := range diags {
			if d.Severity != hcl.DiagError || !strings.Contains(d.Detail, "sandbox.default") {
				t.Errorf("%s: %+v should be an error naming the block", c.name, d)
			}
		}
	}
}

// TestUserMismatch: the container user is compared with the service
// user's real ids, not with 1000:1000.
func TestUserMismatch(t *testing.T) {
	h := testHost(t) // openclaw is 1000:1000 here
	img := newImage(t, sandbox("FROM x\n", "openclaw-sandbox:custom", "1001:1001"), "")
	st, err := img.Probe(t.Context(), h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := img.Diff(st); err == nil || !strings.Contains(err.Error(), `set user = "1000:1000"`) {
		t.Fatalf("diff error = %v", err)
	}
}

// TestFreshHostPlan: no user, maybe no Docker: the plan creates and says why.
func TestFreshHostPlan(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	h := restest.NewHost(t)
	img := newImage(t, sandbox("FROM x\n", "openclaw-sandbox:custom", "1000:1000"), "")
	_, ch := restest.Plan(t, h, img)
	id, ok := attrOf(ch, "image_id")
	if ch.Action != "create" || !ok || id.Unknown == "" || len(ch.Notes) < 2 {
		t.Fatalf("fresh plan: %+v", ch)
	}
}

// TestNoDockerfileNoDocker: a sandbox without a custom image records its
// settings even where Docker is not installed yet.
func TestNoDockerfileNoDocker(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	h := testHost(t)
	img := newImage(t, sandbox("", "openclaw-sandbox:bookworm-slim", "1000:1000"), "")
	_, ch := restest.Plan(t, h, img)
	if err := img.Apply(t.Context(), h, ch); err != nil {
		t.Fatal(err)
	}
	if _, again := restest.Plan(t, restest.Fresh(h), img); again.Action != "no-op" || len(again.Notes) == 0 {
		t.Fatalf("recorded settings without Docker: %+v", again)
	}
}
