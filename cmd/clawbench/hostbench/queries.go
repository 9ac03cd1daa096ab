package main

import (
	"fmt"

	"github.com/clawplan/clawplan/resources/runtime/systemd"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
	"github.com/docker/docker/errdefs"
	"github.com/google/nftables"
)

// dumpTable lists the inet table, its chains, their rules, its sets and
// their elements over one netlink connection in this network namespace,
// and counts them in objects.
func dumpTable(name string, objects *int) error {
	c, err := nftables.New(nftables.AsLasting())
	if err != nil {
		return err
	}
	defer c.CloseLasting()
	t, err := c.ListTableOfFamily(name, nftables.TableFamilyINet)
	if err != nil {
		return fmt.Errorf("table inet %s: %w", name, err)
	}
	chains, err := c.ListChainsOfTableFamily(nftables.TableFamilyINet)
	if err != nil {
		return err
	}
	n := 1
	for _, ch := range chains {
		if ch.Table.Name != name {
			continue
		}
		rules, err := c.GetRules(t, ch)
		if err != nil {
			return err
		}
		n += 1 + len(rules)
	}
	sets, err := c.GetSets(t)
	if err != nil {
		return err
	}
	for _, s := range sets {
		el, err := c.GetSetElements(s)
		if err != nil {
			return err
		}
		n += 1 + len(el)
	}
	*objects = n
	return nil
}

// dockerObjects is what the sandbox image's probe asks Docker: a new
// client that negotiates the API version, the image, and the containers
// whose name has the prefix.
func dockerObjects(image, prefix string) error {
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := timeout()
	defer cancel()
	if _, err := c.Ping(ctx); err != nil {
		return err
	}
	if _, err := c.ImageInspect(ctx, image); err != nil && !errdefs.IsNotFound(err) {
		return err
	}
	_, err = c.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("name", prefix))})
	return err
}

// unitState is what the gateway's probe asks the user manager of uid over
// its private D-Bus socket: the gateway unit's unit and service properties.
func unitState(uid int) error {
	ctx, cancel := timeout()
	defer cancel()
	m, err := systemd.Dial(ctx, systemd.PrivateSocket(uid))
	if err != nil {
		return err
	}
	defer m.Close()
	st, err := m.Status(ctx, systemd.UnitName)
	if err == nil && st.LoadState != "loaded" {
		err = fmt.Errorf("%s is %s", systemd.UnitName, st.LoadState)
	}
	return err
}
