package gatewaysvc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/clawplan/clawplan/resources"
	"github.com/clawplan/clawplan/resources/restest"
	"github.com/clawplan/clawplan/schema"
)

var gwAddr = resources.Addr{Kind: "gateway", Name: "main"}

// testHost is a --root tree with an openclaw user (1000:1000) and its home.
func testHost(t *testing.T) *resources.Host {
	t.Helper()
	h := restest.NewHost(t)
	write(t, h.Root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\nopenclaw:x:1000:1000::/home/openclaw:/bin/bash\n", 0o644)
	if err := os.MkdirAll(filepath.Join(h.Root, "home/openclaw"), 0o750); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		os.Chown(filepath.Join(h.Root, "home/openclaw"), 1000, 1000)
	}
	return h
}

// seedInstall puts what an npm install leaves behind into the prefix: the
// two package.json files plans read, and an executable node. Plans never
// run it; tests that need a real Node install it with npm.
func seedInstall(t *testing.T, h *resources.Host, prefix, openclaw, node string) {
	t.Helper()
	write(t, h.Root, prefix+"/node_modules/openclaw/package.json",
		`{"name":"openclaw","version":"`+openclaw+`","engines":{"node":">=24.16.0 <25 || >=26.1.0"}}`, 0o644)
	write(t, h.Root, prefix+"/node_modules/node/package.json", `{"name":"node","version":"`+node+`"}`, 0o644)
	write(t, h.Root, prefix+"/node_modules/node/bin/node", "#!/bin/false\n", 0o755)
}

func write(t *testing.T, root, p, content string, mode os.FileMode) {
	t.Helper()
	full := filepath.Join(root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

const defaultPrefix = "/home/openclaw/.openclaw/runtime/"

func defaults() Settings {
	return Settings{User: DefaultUser, Port: DefaultPort, Bind: DefaultBind, Version: schema.OpenClawVersion, Node: DefaultNode}
}

func attr(ch resources.Change, path string) (resources.AttrChange, bool) {
	for _, a := range ch.Attrs {
		if a.Path == path {
			return a, true
		}
	}
	return resources.AttrChange{}, false
}
