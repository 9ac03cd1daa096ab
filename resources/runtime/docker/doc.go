// Package docker is the part of the sandbox's runtime that speaks to the
// Docker engine through its API: it hashes and tars a build context, builds
// an image with the classic builder while reporting progress, inspects and
// tags images, and finds and removes the sandbox containers OpenClaw
// creates (names starting with openclaw-sbx), and only those.
package docker
