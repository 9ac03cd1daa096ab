// Package sandboximg implements sandbox_image, the runtime side of a
// `sandbox` block: the custom sandbox image built from a Dockerfile
// (inline, or a host path whose directory is the build context) through
// the Docker API with the classic builder, tagged as configured
// (openclaw-sandbox:custom), and the sandbox containers OpenClaw created
// from an older image or older settings.
//
// No block declares a sandbox_image: the runtime synthesizer adds
// sandbox_image.NAME for every sandbox.NAME and hands it what the sandbox
// block exports (dockerfile, image_tag, and the docker object with image,
// user and binds).
//
// The image carries a content-hash label over the Dockerfile and its
// context, so a plan rebuilds only when they changed. It also records its
// build input, for `clawplan import` (Recover): the Dockerfile (gzip,
// base64) and, when the manifest named a host path, that path; import
// keeps the path while its context still hashes to the label, else writes
// the recorded Dockerfile inline when that alone reproduces the image.
// These labels are not part of the content hash: images built before they
// existed are not rebuilt for them (a rebuild would recycle the sandboxes
// and restart the gateway for metadata only); import then asks for the
// dockerfile by hand, and their next build records it. Anyone with access
// to the Docker engine can read the labels, as they can `docker history`:
// secrets never belong in a Dockerfile. When the image is
// rebuilt or the sandbox settings change (their hash is kept in the state
// directory), Apply removes the containers whose names start with
// openclaw-sbx, and only those, and triggers the gateway's restart, as the
// seed's notes require. The image an apply replaces is kept under a
// rollback tag (TAG-clawplan-rollback), so Restore can tag it back.
package sandboximg
