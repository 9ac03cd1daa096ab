// Package hostfs reads and writes host files under a root directory the way
// clawplan must: paths that cannot escape the root, writes that are atomic
// (temp file created with its final mode, fsync, rename, fsync of the
// directory), and snapshots that restore a file byte for byte, with its
// mode and owner, or remove it when it did not exist.
package hostfs
