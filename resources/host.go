package resources

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/clawplan/clawplan/resources/hostfs"
)

// Host is the machine a run reads and changes, seen through a root
// directory ("/" on a real host, a temp dir in tests and image builds).
// One Host serves one run: its read cache holds what probes read, so each
// file is read once per plan.
type Host struct {
	// Root is the directory every host path resolves under.
	Root string
	// StateDir is clawplan's own directory (already under Root): snapshots,
	// journal, generations, the fingerprint key. 0700, files 0600.
	StateDir string
	// Log receives debug lines. It never sees secret values: kinds log
	// addresses and fingerprints, and the engine's handler redacts.
	Log *slog.Logger
	// Secrets holds every secret value this run knows, so any output can
	// be scrubbed of them.
	Secrets *Redactor

	key   []byte
	mu    sync.Mutex
	files map[string]*cachedFile
	memo  map[string]*memoEntry
}

type cachedFile struct {
	once sync.Once
	f    hostfs.File
	err  error
}

type memoEntry struct {
	once sync.Once
	v    any
	err  error
}

// NewHost returns a Host for root. key is the host-local fingerprint key
// (kept 0600 in the state directory by the engine); tests may pass any bytes.
func NewHost(root, stateDir string, key []byte, log *slog.Logger) *Host {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if root == "" {
		root = "/"
	}
	return &Host{Root: root, StateDir: stateDir, Log: log, Secrets: NewRedactor(),
		key: key, files: map[string]*cachedFile{}, memo: map[string]*memoEntry{}}
}

// Path resolves the host path p under Root (see hostfs.Resolve).
func (h *Host) Path(p string) (string, error) { return hostfs.Resolve(h.Root, p) }

// ReadFile returns the host file p, read at most once per run until
// Forget(p). Many probes may ask for the same file concurrently.
// A file already read is found without resolving its path again (which
// checks every parent directory: thousands of secrets and cron jobs read
// /etc/passwd).
func (h *Host) ReadFile(p string) (hostfs.File, error) {
	c, full, ok := h.cached(p)
	if !ok {
		var err error
		if full, err = h.Path(p); err != nil {
			return hostfs.File{}, err
		}
		h.mu.Lock()
		if c, ok = h.files[full]; !ok {
			c = &cachedFile{}
			h.files[full] = c
		}
		h.mu.Unlock()
	}
	c.once.Do(func() { c.f, c.err = hostfs.Read(full) })
	return c.f, c.err
}

// cached returns the read cache entry of the absolute host path p, and
// its key: what Resolve returned for p when it was first read, the root
// joined with the cleaned path.
func (h *Host) cached(p string) (*cachedFile, string, bool) {
	if !filepath.IsAbs(p) || strings.Contains(p, "..") {
		return nil, "", false
	}
	root := h.Root
	if root == "" {
		root = "/"
	}
	full := filepath.Join(filepath.Clean(root), filepath.Clean(p))
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.files[full]
	return c, full, ok
}

// ReadSystemFile reads a file clawplan only ever reads, never writes
// (/etc/os-release, /proc and /sys entries), following root-owned symlinks
// within the root (hostfs.ResolveRead). Files a kind manages go through
// ReadFile, which refuses a link as the target of a later write.
func (h *Host) ReadSystemFile(p string) (hostfs.File, error) {
	full, err := hostfs.ResolveRead(h.Root, p)
	if err != nil {
		return hostfs.File{}, err
	}
	return hostfs.Read(full)
}

// Forget drops p from the read cache; Apply calls it after writing p.
func (h *Host) Forget(p string) {
	full, err := h.Path(p)
	if err != nil {
		return
	}
	h.mu.Lock()
	delete(h.files, full)
	h.mu.Unlock()
}

// Memo runs fn once per run for key and returns its result to every caller:
// one netlink dump, one Docker listing, one D-Bus connection per plan.
func (h *Host) Memo(key string, fn func() (any, error)) (any, error) {
	h.mu.Lock()
	e, ok := h.memo[key]
	if !ok {
		e = &memoEntry{}
		h.memo[key] = e
	}
	h.mu.Unlock()
	e.once.Do(func() { e.v, e.err = fn() })
	return e.v, e.err
}

// Probed returns what this run has read so far: the full paths in the
// read cache and the Memo keys (one per host query), each sorted. A
// benchmark replays exactly these reads to find a plan's physical floor.
func (h *Host) Probed() (files, memos []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for p := range h.files {
		files = append(files, p)
	}
	for k := range h.memo {
		memos = append(memos, k)
	}
	sort.Strings(files)
	sort.Strings(memos)
	return files, memos
}

// ForgetMemo drops a memoized result, after Apply changed what it read.
func (h *Host) ForgetMemo(key string) {
	h.mu.Lock()
	delete(h.memo, key)
	h.mu.Unlock()
}

// Fingerprint is a keyed hash (HMAC-SHA256 with the host-local key) of
// parts: it changes when they change and reveals nothing about them, so it
// is safe to print, save in plans and compare across runs on this host.
func (h *Host) Fingerprint(parts ...[]byte) string {
	m := hmac.New(sha256.New, h.key)
	for _, p := range parts {
		var n [8]byte
		l := len(p)
		for i := range n {
			n[i] = byte(l >> (8 * i))
		}
		m.Write(n[:])
		m.Write(p)
	}
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// FileFingerprint is the fingerprint of a file's existence, bytes, mode and owner.
func (h *Host) FileFingerprint(f hostfs.File) string {
	if !f.Exists {
		return h.Fingerprint([]byte("absent"))
	}
	meta := fmt.Appendf(nil, "%o %d %d", f.Mode.Perm(), f.UID, f.GID)
	return h.Fingerprint([]byte("file"), f.Content, meta)
}

// ModeString renders permission bits the way reviewers read them: "0600".
func ModeString(m fs.FileMode) string {
	const digits = "01234567"
	p := uint32(m.Perm())
	return string([]byte{'0', digits[p>>6&7], digits[p>>3&7], digits[p&7]})
}

// MayProbe reports whether a plan or check may open a network connection
// to host (a name or IP, without port). On the real host (root "/") it
// may: probing the LLM server is a feature. Under another root the machine
// running clawplan is not the host the manifest describes (a test, an
// image build), so only loopback is probed; reason says why not.
func (h *Host) MayProbe(host string) (bool, string) {
	if filepath.Clean(h.Root) == "/" {
		return true, ""
	}
	if host == "localhost" {
		return true, ""
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil && ip.IsLoopback() {
		return true, ""
	}
	return false, fmt.Sprintf("not probed: with --root %s this machine is not the host the manifest describes, so only loopback endpoints are contacted", h.Root)
}
