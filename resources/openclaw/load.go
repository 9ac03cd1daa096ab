package openclaw

import (
	"fmt"
	"path"
	"regexp"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/account"
	"github.com/clawplan/clawplan/resources/hostfs"
	"github.com/clawplan/clawplan/resources/openclaw/doc"
	"github.com/clawplan/clawplan/schema"
)

// defaultUser is the service user when no gateway block names one.
const defaultUser = "openclaw"

func pinned() string { return schema.OpenClawVersion }

// loaded is openclaw.json of one user as found on the host.
type loaded struct {
	user     account.User
	path     string // host path
	dir      string // host path of ~/.openclaw
	file     hostfs.File
	doc      *doc.Document // nil when the file does not exist or does not parse
	parseErr error
}

func memoKey(user string) string { return "openclaw.json:" + user }

// load reads and parses the user's openclaw.json once per run.
func load(h *resources.Host, user string) (*loaded, error) {
	v, err := h.Memo(memoKey(user), func() (any, error) {
		u, err := account.Lookup(h, user)
		if err != nil {
			return nil, err
		}
		l := &loaded{user: u, dir: path.Join(u.Home, ".openclaw")}
		l.path = path.Join(l.dir, "openclaw.json")
		if l.file, err = h.ReadFile(l.path); err != nil {
			return nil, err
		}
		if l.file.Exists {
			l.doc, l.parseErr = doc.ParseShared(h, l.path, l.file.Content)
			if l.parseErr == nil && l.doc.Root.Kind != doc.Object {
				l.doc, l.parseErr = nil, fmt.Errorf("the top-level value is not an object")
			}
		}
		addPlainSecrets(h, l.doc)
		return l, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*loaded), nil
}

// forget drops what load read, after the writer changed the file.
func forget(h *resources.Host, user, file string) {
	h.Forget(file)
	h.ForgetMemo(memoKey(user))
	h.ForgetMemo(recordMemoKey(user))
}

// secretKey matches the keys OpenClaw keeps credentials under.
var secretKey = regexp.MustCompile(`(?i)(token|secret|password|passphrase|apikey|api_key|privatekey)$`)

// isSecretPath reports whether a string at p would be a credential.
func isSecretPath(p doc.Path) bool {
	if len(p) == 0 {
		return false
	}
	if len(p) >= 3 && p[0].Key == "env" && p[1].Key == "vars" {
		return true
	}
	return secretKey.MatchString(p[len(p)-1].Key)
}

// walkSecrets calls fn for every plain-text credential in v. fn must not
// keep the path it is given: the walk reuses it (a whole openclaw.json is
// walked several times a plan, and a path per value was most of the
// allocations of those walks).
func walkSecrets(p doc.Path, v *doc.Value, fn func(doc.Path, string)) {
	buf := make(doc.Path, len(p), len(p)+8)
	copy(buf, p)
	walkSecretsAt(buf, v, fn)
}

func walkSecretsAt(p doc.Path, v *doc.Value, fn func(doc.Path, string)) {
	switch v.Kind {
	case doc.String:
		if isSecretPath(p) && v.Text != "" {
			fn(p, v.Text)
		}
	case doc.Object:
		for _, m := range v.Members {
			walkSecretsAt(append(p, doc.Seg{Key: m.Key}), m.Value, fn)
		}
	case doc.Array:
		for _, e := range v.Elems {
			walkSecretsAt(p, e.Value, fn)
		}
	}
}

// addPlainSecrets tells the redactor about credentials written in plain
// text (OpenClaw's `gateway install` puts a generated token there).
func addPlainSecrets(h *resources.Host, d *doc.Document) {
	if d == nil {
		return
	}
	walkSecrets(nil, d.Root, func(_ doc.Path, s string) { h.Secrets.Add(s) })
}

// display is a value as a plan shows it: JSON data, or a fingerprint for
// a credential written in plain text.
func display(h *resources.Host, p doc.Path, v *doc.Value) (any, bool) {
	if v == nil {
		return nil, false
	}
	sensitive := false
	walkSecrets(p, v, func(doc.Path, string) { sensitive = true })
	if sensitive {
		return "(sensitive, fp " + h.Fingerprint([]byte(doc.EncodeValue(v))) + ")", true
	}
	return doc.ToGo(v), false
}
