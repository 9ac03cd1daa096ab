package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/clawplan/clawplan/engine/config"
	"github.com/clawplan/clawplan/resources"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// ImportCommand is `clawplan import`.
type ImportCommand struct {
	*Meta
	out      string
	force    bool
	stateDir string
}

// Synopsis implements cli.Command.
func (c *ImportCommand) Synopsis() string { return "Write a manifest describing an existing host" }

// Help implements cli.Command.
func (c *ImportCommand) Help() string {
	return `Usage: clawplan import [options]

  Read an existing host (openclaw.json, the gateway unit, credentials that
  are present (never their values), the nftables table, cron jobs,
  netplan, daemon.json) and write a manifest that, planned against the
  same host, shows no changes. This is how a hand-built gateway adopts
  clawplan, and how a disaster-recovery manifest is produced.

Options:
  -out FILE   Write the manifest to FILE (default: standard output)
  -force      Overwrite FILE if it exists
  -state-dir DIR  clawplan's state directory on the host, where its ownership
              records are (default /var/lib/clawplan; the manifest's clawplan
              { state_dir } if it set another)
  -root DIR   Read the host under DIR (default /)
`
}

// Run implements cli.Command.
func (c *ImportCommand) Run(args []string) int {
	fs := c.flags("import", false)
	fs.StringVar(&c.out, "out", "", "write the manifest to `FILE`")
	fs.BoolVar(&c.force, "force", false, "overwrite FILE")
	fs.StringVar(&c.stateDir, "state-dir", config.DefaultStateDir, "clawplan's state `DIR` on the host")
	if pos, err := parse(fs, args); err != nil || len(pos) > 0 {
		return c.errorf("usage: clawplan import [-out FILE] [-root DIR]")
	}
	stateDir, err := resources.NewHost(c.Root, "", nil, nil).Path(c.stateDir)
	if err != nil {
		return c.errorf("-state-dir: %v", err)
	}
	h := resources.NewHost(c.Root, stateDir, randomKey(), c.logger())
	c.redactor = h.Secrets
	f, n, err := importAll(context.Background(), h)
	if err != nil {
		return c.errorf("import: %v", err)
	}
	src := hclwrite.Format(f.Bytes())
	if c.out == "" {
		c.outf("%s", src)
		return exitOK
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if c.force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	w, err := os.OpenFile(c.out, flags, 0o644)
	if err != nil {
		return c.errorf("%v (use -force to overwrite)", err)
	}
	defer w.Close()
	if _, err := w.Write([]byte(c.redact(string(src)))); err != nil {
		return c.errorf("%v", err)
	}
	fmt.Fprintf(c.Err, "Wrote %d block(s) to %s. Review it, then run: clawplan plan %s\n", n, c.out, c.out)
	return exitOK
}

// importAll asks every kind that can import for its blocks, in kind order.
func importAll(ctx context.Context, h *resources.Host) (*hclwrite.File, int, error) {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# Written by clawplan import. Secrets are referenced where they live, never copied.\n")}})
	n := 0
	kinds := resources.Kinds()
	sort.Strings(kinds)
	for _, name := range kinds {
		k, _ := resources.Lookup(name)
		im, ok := k.(resources.Importer)
		if !ok {
			continue
		}
		blocks, err := im.Import(ctx, h)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", name, err)
		}
		for _, b := range blocks {
			body.AppendNewline()
			if b.Comment != "" {
				body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# " + strings.ReplaceAll(b.Comment, "\n", "\n# ") + "\n")}})
			}
			blk := body.AppendNewBlock(name, []string{b.Name})
			b.Write(blk.Body())
			n++
		}
	}
	return f, n, nil
}

// randomKey is a throw-away fingerprint key: import writes no state.
func randomKey() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}
