package sandboximg

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
)

// TestDockerfileLabelRoundTrip: what EncodeDockerfile writes decodes to
// the same bytes (templates, tabs, non-ASCII, no final newline), is
// base64 of gzip, and a Dockerfile too large to record says so.
func TestDockerfileLabelRoundTrip(t *testing.T) {
	for _, df := range []string{
		"FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y python3\n",
		"FROM x\nRUN echo \"${HOME}\" '%{y}' \\\n\t&& true\n# café, 日本\n",
		"FROM x",
		strings.Repeat("RUN echo the same line again\n", 5000),
	} {
		enc, ok := EncodeDockerfile([]byte(df))
		if !ok || strings.ContainsAny(enc, "\n ${") {
			t.Fatalf("encoded %q: %q ok=%v", df[:10], enc, ok)
		}
		got, err := DecodeDockerfile(enc)
		if err != nil || string(got) != df {
			t.Fatalf("round trip of %q: %q %v", df[:10], got, err)
		}
	}
	noise := make([]byte, MaxDockerfileLabel)
	rand.Read(noise)
	if _, ok := EncodeDockerfile([]byte(base64.StdEncoding.EncodeToString(noise))); ok {
		t.Fatal("a Dockerfile whose label exceeds MaxDockerfileLabel must not be recorded")
	}
	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString([]byte("FROM x\n"))} {
		if _, err := DecodeDockerfile(bad); err == nil || !strings.Contains(err.Error(), DockerfileLabel) {
			t.Fatalf("decoding %q: %v", bad, err)
		}
	}
}
