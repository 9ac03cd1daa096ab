package openclaw

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clawplan/clawplan/resources"
)

// providerWith decodes an llm_provider at baseURL declaring the model ids.
func providerWith(t *testing.T, baseURL string, ids ...string) resources.Resource {
	t.Helper()
	var models []string
	for _, id := range ids {
		models = append(models, fmt.Sprintf(`{ id = %q, name = %q }`, id, id))
	}
	cat := mustManifest(t, fmt.Sprintf(`llm_provider "lmstudio" {
  base_url = %q
  models   = [%s]
}`, baseURL, strings.Join(models, ", ")))
	r, _ := cat.Get(resources.Addr{Kind: "llm_provider", Name: "lmstudio"})
	return r
}

// An LM Studio-style server on loopback: reachable, one declared model
// served and one missing, both said in notes; the plan does not fail.
func TestLLMProbeReachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/models" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `{"object":"list","data":[{"id":"qwen/qwen3-32b","object":"model"},{"id":"text-embedding-nomic","object":"model"}]}`)
	}))
	defer srv.Close()
	p := providerWith(t, srv.URL+"/v1", "qwen/qwen3-32b", "qwen/qwen3-235b")
	ch := plan(t, newHost(t), p)[p.Addr()]
	if !noteContains(ch, "LLM server reachable") || !noteContains(ch, "lists 2 model(s)") {
		t.Fatalf("notes: %q", ch.Notes)
	}
	if !noteContains(ch, `model "qwen/qwen3-235b" is declared but`) || noteContains(ch, `model "qwen/qwen3-32b" is declared but`) {
		t.Fatalf("model notes: %q", ch.Notes)
	}
}

// A server that is down or hangs costs the plan at most the probe's
// timeout and gives a warning, never an error.
func TestLLMProbeUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/v1"
	l.Close()
	p := providerWith(t, closed, "m")
	if ch := plan(t, newHost(t), p)[p.Addr()]; !noteContains(ch, "warning: LLM server unreachable") || !noteContains(ch, "connection refused") {
		t.Fatalf("notes: %q", ch.Notes)
	}
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer srv.Close()
	defer close(hang)
	start := time.Now()
	p = providerWith(t, srv.URL+"/v1", "m")
	ch := plan(t, newHost(t), p)[p.Addr()]
	if took := time.Since(start); took > llmTimeout+time.Second || !noteContains(ch, "no answer within") {
		t.Fatalf("hanging server: %v, notes %q", took, ch.Notes)
	}
}

// A server that wants a key is reachable; the ids are not checked.
func TestLLMProbeNeedsKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no key", http.StatusUnauthorized)
	}))
	defer srv.Close()
	p := providerWith(t, srv.URL+"/v1", "m")
	if ch := plan(t, newHost(t), p)[p.Addr()]; !noteContains(ch, "answered 401") {
		t.Fatalf("notes: %q", ch.Notes)
	}
}
