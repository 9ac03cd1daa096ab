package main

import (
	"context"
	"encoding/json"

	"github.com/clawplan/clawplan/engine"
)

// VerifyCommand is `clawplan verify`.
type VerifyCommand struct {
	*Meta
	format string
}

// Synopsis implements cli.Command.
func (c *VerifyCommand) Synopsis() string { return "Run the functional tests against the live host" }

// Help implements cli.Command.
func (c *VerifyCommand) Help() string {
	return `Usage: clawplan verify [options] [MANIFEST]

  Run the reference setup's functional tests against the live host and
  print pass or fail for each, with the evidence: the gateway listens on
  loopback only; a sandbox container reaches the internet but not the
  LAN nor the host; each LLM provider answers and serves the declared
  models; OpenClaw's own security audit finds 0 critical. Changes nothing.

Options:
  -format text|json
  -var NAME=VALUE, -var-file FILE, -root DIR, -no-color
`
}

// Run implements cli.Command.
func (c *VerifyCommand) Run(args []string) int {
	fs := c.flags("verify", true)
	fs.StringVar(&c.format, "format", "text", "output `FORMAT`: text or json")
	cfg, ok := c.loadArgs(fs, args)
	if !ok {
		return exitError
	}
	s, err := c.session(cfg, false)
	if err != nil {
		return c.errorf("%v", err)
	}
	results, ok := s.Verify(context.Background())
	return c.report(c.format, results, ok)
}

// report prints the results and returns exitOK only if every check passed.
func (m *Meta) report(format string, results []engine.VerifyResult, ok bool) int {
	if format == "json" {
		b, _ := json.MarshalIndent(map[string]any{"passed": ok, "results": results}, "", "  ")
		m.outf("%s\n", b)
	} else {
		m.printChecks(results, ok)
	}
	if !ok {
		return exitError
	}
	return exitOK
}

func (m *Meta) printChecks(results []engine.VerifyResult, ok bool) {
	n, failed := 0, 0
	for _, r := range results {
		for _, ch := range r.Checks {
			n++
			mark := "PASS"
			if !ch.Passed {
				mark, failed = "FAIL", failed+1
			}
			m.outf("%s  %s: %s\n      %s\n", mark, r.Addr, ch.Name, ch.Evidence)
		}
	}
	if n == 0 {
		m.outf("No checks: no block in the manifest has functional tests.\n")
	}
	m.outf("\n%d checks: %d passed, %d failed.\n", n, n-failed, failed)
}
