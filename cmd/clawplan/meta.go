package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/clawplan/clawplan/engine"
	"github.com/clawplan/clawplan/engine/config"
	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"golang.org/x/term"
)

// Meta is what every command shares: the streams, the root, colour, and
// the manifest options.
type Meta struct {
	In       io.Reader
	Out, Err io.Writer
	Root     string
	NoColor  bool
	LogLevel string
	vars     stringList
	varFiles stringList
	// redactor scrubs secret values from everything the command prints.
	redactor *resources.Redactor
	// sources are the loaded manifest's files, for diagnostic snippets
	// (parsing a large manifest again would double the memory a plan needs).
	sources map[string]*hcl.File
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// globalFlags consumes --root and --no-color given before the command.
func (m *Meta) globalFlags(args []string) []string {
	for len(args) > 0 {
		a := strings.TrimLeft(args[0], "-")
		switch {
		case a == "root" && len(args) > 1 && strings.HasPrefix(args[0], "-"):
			m.Root, args = args[1], args[2:]
		case strings.HasPrefix(a, "root=") && strings.HasPrefix(args[0], "-"):
			m.Root, args = strings.TrimPrefix(a, "root="), args[1:]
		case a == "no-color" && strings.HasPrefix(args[0], "-"):
			m.NoColor, args = true, args[1:]
		default:
			return args
		}
	}
	return args
}

// flags returns a flag set with the options every command takes.
func (m *Meta) flags(name string, manifestOpts bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Err)
	fs.StringVar(&m.Root, "root", m.Root, "resolve every host path under `DIR`")
	fs.BoolVar(&m.NoColor, "no-color", m.NoColor, "do not colour output")
	fs.StringVar(&m.LogLevel, "log-level", os.Getenv("CLAWPLAN_LOG"), "log `LEVEL` to stderr: debug, info, warn (default: off)")
	if manifestOpts {
		fs.Var(&m.vars, "var", "set a variable: `NAME=VALUE` (repeatable)")
		fs.Var(&m.varFiles, "var-file", "read variables from an HCL `FILE` (repeatable)")
	}
	return fs
}

// parse parses flags anywhere among the arguments and returns the
// positional ones: `plan DIR -out x` and `plan -out x DIR` both work.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// color reports whether to colour output to w.
func (m *Meta) color(w io.Writer) bool {
	if m.NoColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (m *Meta) options() config.Options {
	return config.Options{Vars: m.vars, VarFiles: m.varFiles, Environ: os.Environ()}
}

// manifestPath is the one positional argument, or the current directory.
func manifestPath(pos []string) (string, error) {
	switch len(pos) {
	case 0:
		return ".", nil
	case 1:
		return pos[0], nil
	}
	return "", fmt.Errorf("expected at most one MANIFEST argument, got %d: %s", len(pos), strings.Join(pos, " "))
}

// loadArgs parses a command's flags (anywhere among its arguments) and
// loads the one MANIFEST argument, printing what goes wrong.
func (m *Meta) loadArgs(fs *flag.FlagSet, args []string) (*engine.Config, bool) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, false
	}
	path, err := manifestPath(pos)
	if err != nil {
		m.errorf("%v", err)
		return nil, false
	}
	return m.load(path, m.options())
}

// load loads and validates the manifest, printing its diagnostics.
func (m *Meta) load(path string, opts config.Options) (*engine.Config, bool) {
	c, diags := engine.Load(path, opts)
	if c != nil {
		m.sources = c.Manifest.Files
	}
	m.diags(diags)
	return c, !diags.HasErrors()
}

// diags prints diagnostics with file:line:col and a source snippet.
func (m *Meta) diags(diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	width := 0
	if f, ok := m.Err.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		width, _, _ = term.GetSize(int(f.Fd()))
	}
	files := diagFiles(diags, m.sources)
	var out strings.Builder
	for _, d := range diags {
		var one strings.Builder
		hcl.NewDiagnosticTextWriter(&one, upTo(d, files), uint(width), m.color(m.Err)).WriteDiagnostic(d)
		text := one.String()
		if d.Subject != nil {
			// hcl prints "on FILE line N"; say FILE:LINE:COL, which editors jump to.
			loc := fmt.Sprintf("on %s line %d", d.Subject.Filename, d.Subject.Start.Line)
			text = strings.Replace(text, loc, fmt.Sprintf("on %s:%d:%d", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column), 1)
		}
		out.WriteString(text)
	}
	fmt.Fprint(m.Err, m.redact(out.String()))
}

// upTo narrows each file d points into to its lines up to the last one d
// shows: hcl's diagnostic writer scans the whole file for a snippet, and
// one warning on a 10,000-block manifest cost a tenth of a second.
func upTo(d *hcl.Diagnostic, files map[string]*hcl.File) map[string]*hcl.File {
	last := map[string]int{}
	for _, r := range []*hcl.Range{d.Subject, d.Context} {
		if r != nil && r.End.Byte >= last[r.Filename] {
			last[r.Filename] = r.End.Byte
		}
	}
	out := make(map[string]*hcl.File, len(files))
	for name, f := range files {
		out[name] = f
		e, ok := last[name]
		if !ok || e < 0 || e >= len(f.Bytes) {
			continue
		}
		if i := bytes.IndexByte(f.Bytes[e:], '\n'); i >= 0 {
			out[name] = &hcl.File{Bytes: f.Bytes[:e+i+1], Body: f.Body, Nav: f.Nav}
		}
	}
	return out
}

// diagFiles returns the sources diagnostics point at, for their snippets:
// the loaded ones, or read and parsed again. A file that failed the
// manifest's prechecks is never parsed again (a hostile file must not
// reach the parser) and gets no snippet.
func diagFiles(diags hcl.Diagnostics, loaded map[string]*hcl.File) map[string]*hcl.File {
	files := map[string]*hcl.File{}
	p := hclparse.NewParser()
	for _, d := range diags {
		for _, r := range []*hcl.Range{d.Subject, d.Context} {
			if r == nil || r.Filename == "" || files[r.Filename] != nil {
				continue
			}
			if f := loaded[r.Filename]; f != nil {
				files[r.Filename] = f
				continue
			}
			src, err := os.ReadFile(r.Filename)
			if err != nil {
				continue
			}
			if !config.Parseable(r.Filename, src) {
				continue // no snippet: the location alone, never a 200 KB line
			}
			if f, _ := p.ParseHCL(src, r.Filename); f != nil {
				files[r.Filename] = f
			}
		}
	}
	return files
}

// session opens the state directory under the root for c; create makes
// it (and the host key) now, which a saved plan needs.
func (m *Meta) session(c *engine.Config, create bool) (*engine.Session, error) {
	s, err := engine.NewSession(c, m.Root, m.logger(), create)
	if err == nil {
		m.redactor = s.Host.Secrets
	}
	return s, err
}

// logger logs to stderr at the chosen level, through the redactor.
func (m *Meta) logger() *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(m.LogLevel)); err != nil || m.LogLevel == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(redactWriter{m}, &slog.HandlerOptions{Level: lvl}))
}

type redactWriter struct{ m *Meta }

func (w redactWriter) Write(b []byte) (int, error) {
	_, err := io.WriteString(w.m.Err, w.m.redact(string(b)))
	return len(b), err
}

func (m *Meta) redact(s string) string {
	if m.redactor == nil {
		return s
	}
	return m.redactor.Redact(s)
}

// outf prints to stdout, redacted.
func (m *Meta) outf(format string, args ...any) {
	fmt.Fprint(m.Out, m.redact(fmt.Sprintf(format, args...)))
}

// errorf prints an error to stderr, redacted, and returns exitError.
func (m *Meta) errorf(format string, args ...any) int {
	fmt.Fprint(m.Err, m.redact("Error: "+fmt.Sprintf(format, args...)+"\n"))
	return exitError
}

// planError prints a failed plan: diagnostics with their snippets, other
// errors as lines.
func (m *Meta) planError(err error) int {
	diags, rest := engine.PlanDiagnostics(err)
	m.diags(diags)
	for _, e := range rest {
		m.errorf("%v", e)
	}
	return exitError
}
