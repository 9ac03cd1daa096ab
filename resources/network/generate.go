package network

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/clawplan/clawplan/resources"
)

// generators are the commands that check netplan YAML offline, fastest
// first: netplan's generator itself (about 10 ms), then the CLI that runs
// it (about 130 ms). Each takes --root-dir DIR and reads DIR/etc/netplan.
var generators = [][]string{
	{"/usr/libexec/netplan/generate"},
	{"/lib/netplan/generate"},
	{"netplan", "generate"},
}

// generateTimeout bounds one run of the generator.
const generateTimeout = 30 * time.Second

// RejectedError is netplan's verdict on YAML a block rendered: the
// generator's own message, with its file:line:col pointing into the
// rendered file (shown numbered, since it may not be on the host yet).
type RejectedError struct {
	Addr      resources.Addr
	Path      string // the host path the YAML is for
	Tool      string // the generator that rejected it
	Line, Col int    // of the first error netplan reports, 0 if none parsed
	Output    string // netplan's output, temp paths replaced by Path
	Content   []byte // the rendered YAML
}

func (e *RejectedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "netplan rejects the YAML that %s renders for %s (checked with %s in a temp dir; nothing was written to the host):\n",
		e.Addr, e.Path, e.Tool)
	for _, l := range strings.Split(strings.TrimRight(e.Output, "\n"), "\n") {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	fmt.Fprintf(&b, "Fix the attributes of %s; the rendered file, which netplan's position refers to, is:\n", e.Addr)
	for i, l := range strings.Split(strings.TrimRight(string(e.Content), "\n"), "\n") {
		fmt.Fprintf(&b, "  %3d | %s\n", i+1, l)
	}
	return strings.TrimRight(b.String(), "\n")
}

// checkNetplan validates content, the YAML r renders for hostPath, once
// per distinct content per run. It returns a note when it could not
// validate, and a *RejectedError when netplan rejects the YAML.
func checkNetplan(ctx context.Context, h *resources.Host, addr resources.Addr, hostPath string, content []byte) (note string, err error) {
	sum := sha256.Sum256(append([]byte(hostPath+"\x00"), content...))
	v, err := h.Memo("network/netplan-generate/"+hex.EncodeToString(sum[:]), func() (any, error) {
		return runGenerator(ctx, addr, hostPath, content)
	})
	note, _ = v.(string)
	return note, err
}

// runGenerator writes content as hostPath under a fresh temp root and runs
// netplan's generator on that root; the real host is never touched.
func runGenerator(ctx context.Context, addr resources.Addr, hostPath string, content []byte) (string, error) {
	argv := findGenerator()
	if argv == nil {
		return "The netplan YAML was not validated: netplan is not installed on the machine running clawplan " +
			"(Debian/Ubuntu package netplan.io); `netplan generate` will check the file when it is applied.", nil
	}
	dir, err := os.MkdirTemp("", "clawplan-netplan-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, hostPath)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(file, content, 0o600); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, generateTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, argv[0], append(argv[1:], "--root-dir", dir)...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "", nil
	case !errors.As(err, &exit) || ctx.Err() != nil:
		return fmt.Sprintf("The netplan YAML was not validated: running %s failed: %v.", strings.Join(argv, " "), err), nil
	}
	return "", rejected(addr, hostPath, strings.Join(argv, " "), content, bytes.ReplaceAll(out, []byte(file), []byte(hostPath)))
}

// findGenerator returns the first generator installed, or nil.
func findGenerator() []string {
	for _, g := range generators {
		if p, err := exec.LookPath(g[0]); err == nil {
			return append([]string{p}, g[1:]...)
		}
	}
	return nil
}

func rejected(addr resources.Addr, hostPath, tool string, content, out []byte) *RejectedError {
	e := &RejectedError{Addr: addr, Path: hostPath, Tool: tool, Content: content, Output: string(out)}
	if strings.TrimSpace(e.Output) == "" {
		e.Output = "(the generator failed without a message)"
	}
	// netplan reports "FILE:LINE:COL: message".
	pos := regexp.MustCompile(regexp.QuoteMeta(hostPath) + `:(\d+):(\d+): `)
	if m := pos.FindStringSubmatch(e.Output); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Col, _ = strconv.Atoi(m[2])
	}
	return e
}
