// Package all links every resource kind into the binary: each kind
// registers itself in init, and this package imports them all. Add one
// blank import per kind package, sorted.
package all

import (
	_ "github.com/clawplan/clawplan/resources/cron"
	_ "github.com/clawplan/clawplan/resources/firewall"
	_ "github.com/clawplan/clawplan/resources/network"
	_ "github.com/clawplan/clawplan/resources/openclaw"
	_ "github.com/clawplan/clawplan/resources/openclaw/remote"
	_ "github.com/clawplan/clawplan/resources/runtime"
	_ "github.com/clawplan/clawplan/resources/secret"
	_ "github.com/clawplan/clawplan/resources/vm"
)
