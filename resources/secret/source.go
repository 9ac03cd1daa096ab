package secret

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/hostfs"
)

const (
	maxValueBytes = 1 << 20
	minValueBytes = 8
)

// value is a secret's value as a probe found it. A generated value that
// is not stored yet is unknown until apply generates it.
type value struct {
	bytes  []byte
	known  bool
	why    string      // why the value is unknown
	origin string      // where it comes from, for messages (never the value)
	stored hostfs.File // the state-directory file of a generated value
}

// resolve reads the value once per run, however many nodes ask for it.
func (s *Secret) resolve(ctx context.Context, h *resources.Host) (value, error) {
	v, err := h.Memo("secret.value:"+s.addr.Name, func() (any, error) { return s.read(ctx, h) })
	if err != nil {
		return value{}, err
	}
	return v.(value), nil
}

func (s *Secret) read(ctx context.Context, h *resources.Host) (value, error) {
	var v value
	var err error
	switch src := s.src; {
	case src.Env != "":
		v, err = s.readEnv()
	case src.File != "":
		v, err = s.readFile(h)
	case src.EnvFile != "":
		v, err = s.readEnvFile(h)
	case src.Command != nil:
		v, err = s.readCommand(ctx)
	default:
		v, err = s.readStored(h)
	}
	if err != nil || !v.known {
		return v, err
	}
	h.Secrets.Add(string(v.bytes))
	return v, s.checkValue(v)
}

func (s *Secret) readEnv() (value, error) {
	v := value{origin: "environment variable " + s.src.Env}
	raw, ok := os.LookupEnv(s.src.Env)
	if !ok {
		return v, fmt.Errorf("%s: environment variable %s is not set; export it or change source", s.addr, s.src.Env)
	}
	v.bytes, v.known = []byte(raw), true
	return v, nil
}

func (s *Secret) readFile(h *resources.Host) (value, error) {
	v := value{origin: "file " + s.src.File}
	f, err := h.ReadFile(s.src.File)
	if err != nil {
		return v, fmt.Errorf("%s: cannot read source file: %v", s.addr, err)
	}
	if !f.Exists {
		return v, fmt.Errorf("%s: source file %s does not exist; create it or change source", s.addr, s.src.File)
	}
	v.bytes, v.known = trimNewlines(f.Content), true
	return v, nil
}

func (s *Secret) readCommand(ctx context.Context) (value, error) {
	v := value{origin: fmt.Sprintf("command %q", s.src.Command[0])}
	ctx, cancel := context.WithTimeout(ctx, s.src.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.src.Command[0], s.src.Command[1:]...)
	out, errOut := &capped{max: maxValueBytes}, &capped{}
	cmd.Stdout, cmd.Stderr, cmd.WaitDelay = out, errOut, time.Second
	err := cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return v, fmt.Errorf("%s: %s timed out after %s; raise source.timeout or check the command", s.addr, v.origin, s.src.Timeout)
	case errors.Is(err, exec.ErrNotFound):
		return v, fmt.Errorf("%s: %s not found in PATH; install it or change source", s.addr, v.origin)
	case err != nil:
		return v, fmt.Errorf("%s: %s failed: %v (its stderr, %d bytes, is not shown as it could hold the secret; run the command yourself to see it)", s.addr, v.origin, err, errOut.n)
	case out.over:
		return v, fmt.Errorf("%s: %s printed more than %d bytes; a secret is smaller", s.addr, v.origin, maxValueBytes)
	}
	v.bytes, v.known = trimNewlines(out.buf.Bytes()), true
	return v, nil
}

// readStored returns a generated value kept in the state directory, or an
// unknown value when apply has to generate it.
func (s *Secret) readStored(h *resources.Host) (value, error) {
	v := value{origin: "generated value"}
	if h.StateDir == "" {
		return v, fmt.Errorf("%s: generated secrets need clawplan's state directory, and this run has none", s.addr)
	}
	f, err := hostfs.Read(storePath(h.StateDir, s.addr.Name))
	if err != nil {
		return v, fmt.Errorf("%s: reading the stored generated value: %v", s.addr, err)
	}
	v.stored = f
	switch {
	case !f.Exists:
		v.why = fmt.Sprintf("%d random %s characters, generated at apply and kept in the state directory", s.src.Generate.Length, s.src.Generate.Alphabet)
	case !fits(f.Content, *s.src.Generate):
		h.Secrets.Add(string(f.Content))
		v.why = fmt.Sprintf("regenerated at apply: the stored value does not match length %d / alphabet %s", s.src.Generate.Length, s.src.Generate.Alphabet)
	default:
		v.bytes, v.known = f.Content, true
	}
	return v, nil
}

// checkValue refuses values that cannot be secrets or cannot be delivered.
func (s *Secret) checkValue(v value) error {
	if len(v.bytes) < minValueBytes {
		return fmt.Errorf("%s: the value from %s is empty or shorter than %d bytes; that is not a usable secret", s.addr, v.origin, minValueBytes)
	}
	if len(s.envNames()) > 0 {
		if _, err := quoteEnv(v.bytes); err != nil {
			return fmt.Errorf("%s: the value from %s %v; deliver it as a file instead of env", s.addr, v.origin, err)
		}
	}
	return nil
}

func trimNewlines(b []byte) []byte {
	return []byte(strings.TrimRight(string(b), "\r\n"))
}

// capped is a writer that keeps at most max bytes (0: keeps none) and
// counts the rest.
type capped struct {
	buf  bytes.Buffer
	max  int
	n    int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	c.n += len(p)
	room := c.max - c.buf.Len()
	switch {
	case room >= len(p):
		c.buf.Write(p)
	case c.max > 0:
		c.over = true
	}
	return len(p), nil
}
