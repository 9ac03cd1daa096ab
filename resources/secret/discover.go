package secret

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/importkit"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/zclconf/go-cty/cty"
)

// Found is a secret `clawplan import` found where OpenClaw reads it: lines
// of the service user's ~/.openclaw/.env and credentials files. Its value
// is never read into it; the imported block reads it from where it lives.
type Found struct {
	Name    string
	User    string
	Envs    []string // variables of EnvFile it is delivered as
	Files   []string // credentials files it is delivered as
	EnvFile string   // the user's .env (host path)
	// Adopted says the .env line was not written by clawplan: the first
	// apply marks it as clawplan's.
	Adopted bool
}

// secretRef is an OpenClaw SecretRef as openclaw.json holds it.
type secretRef struct{ Source, Provider, ID string }

// Discover finds the secrets of user: every .env line clawplan marked,
// every secret clawplan's ownership records name, and every SecretRef or
// tokenFile in openclaw.json whose value is on the host. Names are the
// ones the last apply used, so the imported blocks own what is there.
// It reads once per run.
func Discover(h *resources.Host, user string) ([]Found, error) {
	v, err := h.Memo("secret.discover:"+user, func() (any, error) { return discover(h, user) })
	if err != nil {
		return nil, err
	}
	return v.([]Found), nil
}

// ForEnv is the found secret delivered as the .env variable key.
func ForEnv(fs []Found, key string) (Found, bool) {
	for _, f := range fs {
		for _, e := range f.Envs {
			if e == key {
				return f, true
			}
		}
	}
	return Found{}, false
}

// ForFile is the found secret delivered as the credentials file p.
func ForFile(fs []Found, p string) (Found, bool) {
	for _, f := range fs {
		for _, x := range f.Files {
			if x == path.Clean(p) {
				return f, true
			}
		}
	}
	return Found{}, false
}

// Export is what the imported block shows other blocks as secret.NAME.
func (f Found) Export() cty.Value { return f.secret().Export() }

// Alias is the secrets.providers key a file SecretRef to it names.
func (f Found) Alias() string { return f.secret().Alias() }

func (f Found) secret() *Secret {
	s := &Secret{addr: resources.Addr{Kind: "secret", Name: f.Name}, user: f.User}
	for _, e := range f.Envs {
		s.sinks = append(s.sinks, sink{Env: e})
	}
	for _, p := range f.Files {
		s.sinks = append(s.sinks, sink{File: p})
	}
	return s
}

// discovery collects found secrets, by name.
type discovery struct {
	h      *resources.Host
	user   string
	env    string // the .env host path
	lines  []envLine
	byName map[string]*Found
	order  []string
}

func discover(h *resources.Host, user string) ([]Found, error) {
	u, err := account.Lookup(h, user)
	if err != nil {
		return nil, err
	}
	d := &discovery{h: h, user: user, env: envFilePath(u.Home), byName: map[string]*Found{}}
	f, err := h.ReadFile(d.env)
	if err != nil {
		return nil, err
	}
	d.lines = parseEnv(f.Content)
	for _, l := range d.lines {
		if l.owner != "" && l.key != "" && !l.marker {
			d.add(l.owner).Envs = appendNew(d.add(l.owner).Envs, l.key)
		}
	}
	if err := d.owned(); err != nil {
		return nil, err
	}
	if err := d.config(u.Home); err != nil {
		return nil, err
	}
	return d.list(), nil
}

// add returns the found secret of that name, adding it if new.
func (d *discovery) add(name string) *Found {
	if f, ok := d.byName[name]; ok {
		return f
	}
	f := &Found{Name: name, User: d.user, EnvFile: d.env}
	d.byName[name] = f
	d.order = append(d.order, name)
	return f
}

// owned adds the credentials files clawplan's records say a secret owns.
func (d *discovery) owned() error {
	names, recs, err := importkit.OwnedOfKind(d.h, "secret")
	if err != nil {
		return err
	}
	for _, n := range names {
		var rec ownRecord
		if json.Unmarshal(recs[n], &rec) != nil || (rec.User != "" && rec.User != d.user) {
			continue
		}
		for _, p := range rec.Files {
			if d.exists(p) {
				d.add(n).Files = appendNew(d.add(n).Files, path.Clean(p))
			}
		}
	}
	return nil
}

// config adds what openclaw.json refers to and no found secret covers:
// env SecretRefs whose variable the .env holds, file SecretRefs (a
// singleValue provider) and tokenFile paths whose file exists.
func (d *discovery) config(home string) error {
	f, err := d.h.ReadFile(path.Join(home, ".openclaw/openclaw.json"))
	if err != nil || !f.Exists {
		return err
	}
	root, err := doc.Parse(f.Content)
	if err != nil {
		return nil // the openclaw blocks' import reports an unreadable file
	}
	refs, files := configRefs(root.Root)
	for _, r := range refs {
		switch {
		case r.Source == "env" && r.Provider == "default":
			d.envRef(r.ID)
		case r.Source == "file" && r.ID == "value":
			if p, ok := providerFile(root.Root, r.Provider); ok {
				d.fileRef(p, r.Provider)
			}
		}
	}
	for _, p := range files {
		d.fileRef(p, "")
	}
	return nil
}

func (d *discovery) envRef(key string) {
	if _, ok := ForEnv(d.list(), key); ok {
		return
	}
	if _, ok := currentValue(d.lines, key); !ok {
		return
	}
	f := d.add(d.unique(envName(key)))
	f.Envs, f.Adopted = append(f.Envs, key), true
}

func (d *discovery) fileRef(p, alias string) {
	p = path.Clean(p)
	if _, ok := ForFile(d.list(), p); ok || !path.IsAbs(p) || !d.exists(p) {
		return
	}
	name := alias
	if name == "" || name == "default" {
		name = fileName(p)
	}
	d.add(d.unique(name)).Files = []string{p}
}

func (d *discovery) exists(p string) bool {
	f, err := d.h.ReadFile(p)
	return err == nil && f.Exists
}

// unique is name, or name_2, name_3... when a found secret has it.
func (d *discovery) unique(name string) string {
	out := name
	for i := 2; d.byName[out] != nil; i++ {
		out = fmt.Sprintf("%s_%d", name, i)
	}
	return out
}

func (d *discovery) list() []Found {
	names := append([]string(nil), d.order...)
	sort.Strings(names)
	out := make([]Found, 0, len(names))
	for _, n := range names {
		out = append(out, *d.byName[n])
	}
	return out
}

var nameBad = regexp.MustCompile(`[^a-z0-9_]+`)

// envName is the name a secret delivered as key gets: the policy's name
// for the gateway token, else the variable in lower case.
func envName(key string) string {
	if key == gatewayTokenEnv {
		return "gateway_token"
	}
	return labelOf(key)
}

// fileName names a secret after its credentials file.
func fileName(p string) string { return labelOf(path.Base(p)) }

func labelOf(s string) string {
	s = strings.Trim(nameBad.ReplaceAllString(strings.ToLower(s), "_"), "_")
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "secret_" + s
	}
	return s
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// configRefs lists the SecretRef objects ({source, provider, id}) and the
// tokenFile paths anywhere in openclaw.json, in document order; the
// providers table itself is skipped.
func configRefs(v *doc.Value) ([]secretRef, []string) {
	var refs []secretRef
	var files []string
	var walk func(v *doc.Value, top bool)
	walk = func(v *doc.Value, top bool) {
		switch v.Kind {
		case doc.Object:
			if r, ok := refOf(v); ok {
				refs = append(refs, r)
				return
			}
			for _, k := range v.Keys() {
				c, _ := v.Lookup(k)
				if top && k == "secrets" {
					continue
				}
				if k == "tokenFile" && c.Kind == doc.String {
					files = append(files, c.Text)
					continue
				}
				walk(c, false)
			}
		case doc.Array:
			for _, e := range v.Elems {
				walk(e.Value, false)
			}
		}
	}
	walk(v, true)
	return refs, files
}

// refOf reads an object with exactly the string keys source, provider and id.
func refOf(v *doc.Value) (secretRef, bool) {
	keys := v.Keys()
	if len(keys) != 3 {
		return secretRef{}, false
	}
	get := func(k string) string {
		if x, ok := v.Lookup(k); ok && x.Kind == doc.String {
			return x.Text
		}
		return ""
	}
	r := secretRef{Source: get("source"), Provider: get("provider"), ID: get("id")}
	return r, r.Source != "" && r.Provider != "" && r.ID != ""
}

// providerFile is the path of secrets.providers.ALIAS when it is a file
// provider in singleValue mode (the file holds the value alone).
func providerFile(root *doc.Value, alias string) (string, bool) {
	p, ok := doc.Get(root, doc.Keys("secrets", "providers", alias))
	if !ok || p.Kind != doc.Object {
		return "", false
	}
	str := func(k string) string {
		if x, ok := p.Lookup(k); ok && x.Kind == doc.String {
			return x.Text
		}
		return ""
	}
	if str("source") != "file" || str("mode") != "singleValue" || str("path") == "" {
		return "", false
	}
	return str("path"), true
}
