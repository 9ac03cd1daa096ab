// Command clawplan plans and applies a self-hosted OpenClaw gateway from
// one HCL manifest: clawplan plan shows what would change on the host,
// clawplan apply changes it with a snapshot before every step and rolls
// back on failure.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/cli"

	_ "github.com/clawplan/clawplan/resources/all"
)

// version is set by the build (make build) with -ldflags.
var version = "dev"

// Exit codes, in Terraform's tradition.
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2 // plan -detailed-exitcode: there are changes
)

func main() {
	tuneMemory()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it.
func run(args []string, in io.Reader, out, errOut io.Writer) int {
	meta := &Meta{In: in, Out: out, Err: errOut, Root: "/"}
	args = meta.globalFlags(args)
	c := cli.NewCLI("clawplan", version)
	c.Args = args
	c.HelpWriter = out
	c.ErrorWriter = errOut
	c.HelpFunc = helpFunc
	c.Commands = map[string]cli.CommandFactory{
		"validate":   func() (cli.Command, error) { return &ValidateCommand{meta}, nil },
		"plan":       func() (cli.Command, error) { return &PlanCommand{Meta: meta}, nil },
		"apply":      func() (cli.Command, error) { return &ApplyCommand{Meta: meta}, nil },
		"rollback":   func() (cli.Command, error) { return &RollbackCommand{Meta: meta}, nil },
		"confirm":    func() (cli.Command, error) { return &ConfirmCommand{Meta: meta}, nil },
		"graph":      func() (cli.Command, error) { return &GraphCommand{meta}, nil },
		"verify":     func() (cli.Command, error) { return &VerifyCommand{Meta: meta}, nil },
		"import":     func() (cli.Command, error) { return &ImportCommand{Meta: meta}, nil },
		"fmt":        func() (cli.Command, error) { return &FmtCommand{meta}, nil },
		"version":    func() (cli.Command, error) { return &VersionCommand{meta}, nil },
		"__watchdog": func() (cli.Command, error) { return &WatchdogCommand{meta}, nil },
	}
	c.HiddenCommands = []string{"__watchdog"}
	code, err := c.Run()
	if err != nil {
		fmt.Fprintf(errOut, "Error: %v\n", err)
		return exitError
	}
	return code
}

func helpFunc(commands map[string]cli.CommandFactory) string {
	return `Usage: clawplan [--root DIR] <command> [options] [MANIFEST]

clawplan keeps a self-hosted OpenClaw gateway in the state one HCL
manifest declares: it probes the live host, shows a reviewable plan, and
applies it with a snapshot before every change and rollback on failure.
MANIFEST is a .hcl file or a directory of them (default: the current directory).

Commands:
  validate   Check the manifest without touching the host
  plan       Show what apply would change on the host
  apply      Change the host to match the manifest (or a saved plan)
  rollback   Finish an interrupted apply, or return to an earlier generation
  confirm    Keep a change applied with -confirm-within
  verify     Run the functional tests against the live host
  import     Write a manifest describing an existing host
  graph      Print the dependency graph in DOT
  fmt        Rewrite manifests in canonical style
  version    Print the version

Global options (also accepted after the command):
  --root DIR   Resolve every host path under DIR (default /), for tests and image builds
  --no-color   Do not colour output (also: NO_COLOR set, or output not a terminal)

Flags take one dash or two: -auto-approve and --auto-approve are the same.
Exit codes: 0 success, 1 error, 2 changes present (plan -detailed-exitcode).
Run 'clawplan <command> -help' for a command's options.
`
}
