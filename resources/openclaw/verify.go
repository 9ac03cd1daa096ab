package openclaw

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
)

var _ resources.Verifier = (*provider)(nil)

// Verify is the seed's functional test 4: the host asks the LLM server
// for its models (GET {base_url}/models, with the provider's API key when
// it is delivered in the service user's ~/.openclaw/.env or a file) and
// every declared model id must be served.
func (p *provider) Verify(ctx context.Context, h *resources.Host) []resources.Check {
	c := resources.Check{Name: fmt.Sprintf("LLM %s answers", p.addr.Name)}
	where := "GET " + redactedURL(strings.TrimSuffix(p.conf.BaseURL, "/")+"/models")
	if u, err := url.Parse(p.conf.BaseURL); err == nil {
		if ok, why := h.MayProbe(u.Hostname()); !ok {
			c.Evidence = where + ": " + why
			return []resources.Check{c}
		}
	}
	key, keyFrom := p.apiKey(h)
	ml := fetchModelsAuth(ctx, p.conf.BaseURL, key)
	if keyFrom != "" {
		where += " (API key from " + keyFrom + ")"
	}
	c.Passed, c.Evidence = p.judgeModels(where, ml, keyFrom != "")
	return []resources.Check{c}
}

// judgeModels says whether the answer passes: 200, a model list, and every
// declared id in it.
func (p *provider) judgeModels(where string, ml modelList, keySent bool) (bool, string) {
	switch {
	case ml.status == 0:
		return false, fmt.Sprintf("%s: no answer (%s)", where, shortErr(ml.err))
	case ml.status == http.StatusUnauthorized || ml.status == http.StatusForbidden:
		if keySent {
			return false, fmt.Sprintf("%s: %d: the server refuses the API key", where, ml.status)
		}
		return false, fmt.Sprintf("%s: %d: the server wants an API key, and none is delivered where clawplan can read it (~/.openclaw/.env or a file)", where, ml.status)
	case ml.status != http.StatusOK || ml.err != nil:
		return false, fmt.Sprintf("%s: status %d%s", where, ml.status, errSuffix(ml.err))
	}
	served := map[string]bool{}
	for _, id := range ml.ids {
		served[id] = true
	}
	var missing []string
	for _, m := range p.conf.Models {
		if !served[m.ID] {
			missing = append(missing, m.ID)
		}
	}
	ev := fmt.Sprintf("%s: 200, serves %d model(s): %s", where, len(ml.ids), listSome(ml.ids, 8))
	if len(missing) > 0 {
		return false, fmt.Sprintf("%s; declared but not served: %s", ev, strings.Join(missing, ", "))
	}
	if len(p.conf.Models) == 0 {
		return true, ev + "; no model ids declared"
	}
	return true, fmt.Sprintf("%s; all %d declared present", ev, len(p.conf.Models))
}

// apiKey reads the provider's API key where the secret kind delivered it:
// the file, or the variable in the service user's ~/.openclaw/.env (which
// the gateway loads). from says where, without the value.
func (p *provider) apiKey(h *resources.Host) (key, from string) {
	if p.key == nil {
		return "", ""
	}
	if p.key.Source == "file" && p.key.File != "" {
		if f, err := readLive(h, p.key.File); err == nil && f.Exists {
			return remember(h, strings.TrimSpace(string(f.Content))), p.key.File
		}
	}
	name := p.key.envName()
	u, err := account.Lookup(h, p.user)
	if name == "" || err != nil {
		return "", ""
	}
	envFile := path.Join(u.Home, ".openclaw", ".env")
	f, err := readLive(h, envFile)
	if err != nil || !f.Exists {
		return "", ""
	}
	if v, ok := dotenvValue(f.Content, name); ok && v != "" {
		return remember(h, v), envFile + " (" + name + ")"
	}
	return "", ""
}

func remember(h *resources.Host, secret string) string {
	if secret != "" {
		h.Secrets.Add(secret)
	}
	return secret
}

// readLive reads a host file now, past the run's read cache: a check
// must see the host as it is after an apply.
func readLive(h *resources.Host, p string) (hostfs.File, error) {
	full, err := h.Path(p)
	if err != nil {
		return hostfs.File{}, err
	}
	return hostfs.Read(full)
}

var dotenvLine = regexp.MustCompile(`^\s*(?:export\s+)?([\w.-]+)\s*=(.*)$`)

// dotenvValue is the value a dotenv loader reads for key: the last
// assignment wins.
func dotenvValue(content []byte, key string) (string, bool) {
	val, found := "", false
	for _, line := range strings.Split(string(content), "\n") {
		if m := dotenvLine.FindStringSubmatch(line); m != nil && m[1] == key {
			val, found = unquoteDotenv(m[2]), true
		}
	}
	return val, found
}

// unquoteDotenv removes a value's quotes; an unquoted value ends at #.
func unquoteDotenv(raw string) string {
	v := strings.TrimSpace(raw)
	if len(v) >= 2 && strings.ContainsRune(`'"`+"`", rune(v[0])) {
		if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
			return v[1 : end+1]
		}
	}
	if i := strings.IndexByte(v, '#'); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// redactedURL hides a password in a URL's user info.
func redactedURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}

// listSome lists at most n items, then how many more.
func listSome(items []string, n int) string {
	if len(items) == 0 {
		return "(none)"
	}
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}
