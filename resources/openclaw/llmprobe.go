package openclaw

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/clawplan/clawplan/resources"
)

// llmTimeout bounds the plan-time model probe: a plan must stay fast when
// the LLM server is down.
var llmTimeout = 1500 * time.Millisecond

// modelList is what GET {base_url}/models answered.
type modelList struct {
	status int
	ids    []string
	err    error
}

// fetchModels asks an OpenAI-compatible server which models it serves.
func fetchModels(ctx context.Context, baseURL string) modelList {
	return fetchModelsAuth(ctx, baseURL, "")
}

// fetchModelsAuth is fetchModels sending key as a bearer token ("" sends none).
func fetchModelsAuth(ctx context.Context, baseURL, key string) modelList {
	ctx, cancel := context.WithTimeout(ctx, llmTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(baseURL, "/")+"/models", nil)
	if err != nil {
		return modelList{err: err}
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return modelList{err: err}
	}
	defer resp.Body.Close()
	out := modelList{status: resp.StatusCode}
	if resp.StatusCode != http.StatusOK {
		return out
	}
	var body struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&body); err != nil {
		out.err = fmt.Errorf("the answer is not an OpenAI-style model list: %w", err)
		return out
	}
	for _, m := range body.Data {
		out.ids = append(out.ids, m.ID)
	}
	return out
}

// llmNotes probes the server once per run and says, as plan notes,
// whether it answers and serves the declared models. It never fails.
func llmNotes(ctx context.Context, h *resources.Host, baseURL string, declared []string) []string {
	if u, err := url.Parse(baseURL); err == nil {
		if ok, why := h.MayProbe(u.Hostname()); !ok {
			return []string{fmt.Sprintf("LLM server at %s %s.", baseURL, why)}
		}
	}
	v, _ := h.Memo("openclaw.llm-models:"+baseURL, func() (any, error) { return fetchModels(ctx, baseURL), nil })
	ml := v.(modelList)
	where := baseURL + "/models"
	switch {
	case ml.status == 0:
		return []string{fmt.Sprintf("warning: LLM server unreachable: GET %s failed (%v). The plan goes on; OpenClaw cannot use this provider until the server answers.", where, shortErr(ml.err))}
	case ml.status == http.StatusUnauthorized || ml.status == http.StatusForbidden:
		return []string{fmt.Sprintf("LLM server reachable: GET %s answered %d (it wants the API key), so the declared model ids were not checked.", where, ml.status)}
	case ml.status != http.StatusOK || ml.err != nil:
		return []string{fmt.Sprintf("warning: LLM server at %s answered GET /models with status %d%s; the declared model ids were not checked.", baseURL, ml.status, errSuffix(ml.err))}
	}
	notes := []string{fmt.Sprintf("LLM server reachable: GET %s lists %d model(s).", where, len(ml.ids))}
	served := map[string]bool{}
	for _, id := range ml.ids {
		served[id] = true
	}
	for _, id := range declared {
		if !served[id] {
			notes = append(notes, fmt.Sprintf("warning: model %q is declared but %s does not serve it (served: %s); load it in the server or fix the id.", id, baseURL, strings.Join(ml.ids, ", ")))
		}
	}
	return notes
}

func shortErr(err error) string {
	if err == nil {
		return "no answer"
	}
	if ctxErr := context.DeadlineExceeded; strings.Contains(err.Error(), ctxErr.Error()) {
		return fmt.Sprintf("no answer within %s", llmTimeout)
	}
	return err.Error()
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}
