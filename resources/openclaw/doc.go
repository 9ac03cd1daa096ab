// Package openclaw implements the blocks that write OpenClaw's config,
// ~/.openclaw/openclaw.json of the service user: gateway, llm_provider,
// channel, agent and sandbox.
//
// None of those blocks writes the file itself. Each is a Fragmenter: it
// claims values at JSON paths ("claims", flattened to leaves), and its
// plan entry shows its own paths' before and after, in OpenClaw's words.
// A Synthesizer adds exactly one writer node per service user,
// openclaw_config.<user>, which depends on every contributing block,
// merges their leaves into the file as it is on the host (keys nobody
// claims are kept byte for byte, comments included), checks that no two
// blocks claim overlapping paths, validates the result against the JSON
// Schema the installed OpenClaw prints, and writes once per apply:
// atomically, mode 0600 in a 0700 directory, with a snapshot for rollback.
//
// The writer records which block owns which paths (in the state
// directory, and through resources.Owner), so a block removed from the
// manifest removes exactly its own paths, and containers clawplan created
// for them, and nothing else.
//
// Security rules (package policy) run as CrossValidators; the llm_provider
// block probes its server's GET /models at plan time.
//
// `clawplan verify` runs two of the seed's functional tests here: each
// llm_provider asks its server for its models again (with the API key
// where the secret kind delivered it) and wants every declared id served
// ("LLM NAME answers"); the writer runs the installed CLI's `security
// audit --deep` against the service user's home, offline, and wants 0
// critical ("security audit: 0 critical"), listing the findings' checkIds.
package openclaw
