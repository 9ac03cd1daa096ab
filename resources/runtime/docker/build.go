package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/docker/docker/api/types/build"
)

// MaxContext bounds a build context, so a Dockerfile path pointing at a
// large directory fails with a clear message instead of tarring it.
const MaxContext = 256 << 20

// Context is a build context: the Dockerfile and the files beside it, in
// a stable order, with a content hash over both.
type Context struct {
	Dockerfile []byte
	Files      []ContextFile
}

// ContextFile is one file of a build context (never the Dockerfile).
type ContextFile struct {
	Name    string // slash-separated, relative to the context directory
	Mode    fs.FileMode
	Content []byte
}

// ReadContext reads the directory dir (a full path) as a build context
// whose Dockerfile is dockerfile, a name inside dir. Symlinks and special
// files are refused: a context holds regular files and directories.
func ReadContext(dir, dockerfile string) (Context, error) {
	var c Context
	var size int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("build context %s: %s is not a regular file", dir, rel)
		}
		if size += fi.Size(); size > MaxContext {
			return fmt.Errorf("build context %s is larger than %d MiB: keep only what the Dockerfile copies beside it", dir, MaxContext>>20)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == dockerfile {
			c.Dockerfile = b
			return nil
		}
		c.Files = append(c.Files, ContextFile{Name: filepath.ToSlash(rel), Mode: fi.Mode().Perm(), Content: b})
		return nil
	})
	if err == nil && c.Dockerfile == nil {
		err = fmt.Errorf("build context %s has no %s", dir, dockerfile)
	}
	sort.Slice(c.Files, func(i, j int) bool { return c.Files[i].Name < c.Files[j].Name })
	return c, err
}

// Hash is a content hash of the Dockerfile and every context file (names,
// modes, bytes): equal hashes build equal images.
func (c Context) Hash() string {
	h := sha256.New()
	write := func(b []byte) {
		fmt.Fprintf(h, "%d:", len(b))
		h.Write(b)
	}
	write(c.Dockerfile)
	for _, f := range c.Files {
		write([]byte(f.Name))
		write([]byte(f.Mode.String()))
		write(f.Content)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Tar writes the context as the tar stream the build API takes, with the
// Dockerfile as "Dockerfile". Times and owners are fixed so the stream
// depends on the content only.
func (c Context) Tar() (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, mode fs.FileMode, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: int64(mode), Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := add("Dockerfile", 0o644, c.Dockerfile); err != nil {
		return nil, err
	}
	for _, f := range c.Files {
		if f.Name == "Dockerfile" {
			continue // the Dockerfile named in the manifest wins
		}
		if err := add(f.Name, f.Mode, f.Content); err != nil {
			return nil, err
		}
	}
	return &buf, tw.Close()
}

// BuildOptions say how to build: the tag and the labels to set.
type BuildOptions struct {
	Tag    string
	Labels map[string]string
	// Progress receives each line of build output ("Step 1/3 : FROM ...").
	Progress func(line string)
}

// Build builds c with the classic builder and returns the new image's ID.
func (e *Engine) Build(ctx context.Context, c Context, o BuildOptions) (string, error) {
	tarball, err := c.Tar()
	if err != nil {
		return "", err
	}
	resp, err := e.c.ImageBuild(ctx, tarball, build.ImageBuildOptions{Tags: []string{o.Tag}, Labels: o.Labels,
		Remove: true, ForceRemove: true, Dockerfile: "Dockerfile", Version: build.BuilderV1})
	if err != nil {
		return "", fmt.Errorf("building %s: %w", o.Tag, err)
	}
	defer resp.Body.Close()
	if err := readProgress(resp.Body, o.Progress); err != nil {
		return "", fmt.Errorf("building %s: %w", o.Tag, err)
	}
	img, ok, err := e.Inspect(ctx, o.Tag)
	if err == nil && !ok {
		err = fmt.Errorf("building %s: the engine reported success but the tag does not exist", o.Tag)
	}
	return img.ID, err
}

// buildMessage is one JSON message of the build stream.
type buildMessage struct {
	Stream      string `json:"stream"`
	Status      string `json:"status"`
	Error       string `json:"error"`
	ErrorDetail struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
}

// readProgress reads the build stream to its end, passing output lines to
// progress, and returns the build's error message if it failed.
func readProgress(r io.Reader, progress func(string)) error {
	dec := json.NewDecoder(r)
	for {
		var m buildMessage
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if m.Error != "" {
			return errors.New(strings.TrimSpace(m.Error))
		}
		for _, line := range strings.Split(strings.TrimRight(m.Stream+m.Status, "\n"), "\n") {
			if line = strings.TrimSpace(line); line != "" && progress != nil {
				progress(line)
			}
		}
	}
}
