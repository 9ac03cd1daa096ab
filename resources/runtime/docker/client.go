package docker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
	"github.com/docker/docker/errdefs"
)

// Engine is a connection to the Docker engine (DOCKER_HOST or the default
// socket).
type Engine struct {
	c *client.Client
}

// Connect returns an Engine that answered a ping within a few seconds.
func Connect(ctx context.Context) (*Engine, error) {
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := c.Ping(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("the Docker engine does not answer: %w", err)
	}
	return &Engine{c: c}, nil
}

// Client is the underlying API client, for tests.
func (e *Engine) Client() *client.Client { return e.c }

// Close ends the connection.
func (e *Engine) Close() error { return e.c.Close() }

// Image is one image as the engine knows it: its ID and labels.
type Image struct {
	ID     string
	Labels map[string]string
}

// Inspect returns the image ref names, or ok false when there is none.
func (e *Engine) Inspect(ctx context.Context, ref string) (img Image, ok bool, err error) {
	r, err := e.c.ImageInspect(ctx, ref)
	if errdefs.IsNotFound(err) {
		return Image{}, false, nil
	}
	if err != nil {
		return Image{}, false, err
	}
	var labels map[string]string
	if r.Config != nil {
		labels = r.Config.Labels
	}
	return Image{ID: r.ID, Labels: labels}, true, nil
}

// Tag points ref at the image src (an ID or another reference).
func (e *Engine) Tag(ctx context.Context, src, ref string) error { return e.c.ImageTag(ctx, src, ref) }

// Untag removes the reference ref; the image itself goes only when no
// other reference or container keeps it, and then so do its untagged
// parents that nothing else uses (the intermediate layers of its build).
func (e *Engine) Untag(ctx context.Context, ref string) error {
	_, err := e.c.ImageRemove(ctx, ref, image.RemoveOptions{PruneChildren: true})
	if errdefs.IsNotFound(err) || errdefs.IsConflict(err) {
		return nil
	}
	return err
}

// Container is one container: its ID, its name (without the leading
// slash) and the image it runs.
type Container struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Image string `json:"image"`
	State string `json:"state"`
}

// Containers lists every container, running or not, whose name starts
// with prefix. Docker's name filter matches anywhere in the name, so the
// prefix is checked here.
func (e *Engine) Containers(ctx context.Context, prefix string) ([]Container, error) {
	list, err := e.c.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("name", prefix))})
	if err != nil {
		return nil, err
	}
	var out []Container
	for _, s := range list {
		for _, n := range s.Names {
			if name := trimSlash(n); len(name) >= len(prefix) && name[:len(prefix)] == prefix {
				out = append(out, Container{ID: s.ID, Name: name, Image: s.Image, State: s.State})
				break
			}
		}
	}
	return out, nil
}

// RemoveContainers force-removes the containers (and their anonymous
// volumes); one already gone is not an error.
func (e *Engine) RemoveContainers(ctx context.Context, cs []Container) error {
	var errs []error
	for _, c := range cs {
		err := e.c.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("removing container %s: %w", c.Name, err))
		}
	}
	return errors.Join(errs...)
}

func trimSlash(n string) string {
	if len(n) > 0 && n[0] == '/' {
		return n[1:]
	}
	return n
}
