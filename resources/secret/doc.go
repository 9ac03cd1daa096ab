// Package secret implements the `secret` block: a token or key read at plan
// time from one source (an environment variable of the clawplan process, a
// file, a line of a dotenv file (env_file and key), a command's output, or a
// value generated once and kept in the state directory) and delivered to
// one or more sinks where OpenClaw reads it: a credentials file (0600 in a
// 0700 directory, owned by the service user) and lines of the service
// user's ~/.openclaw/.env.
//
// A secret's value never appears in a plan, a log line or an error: changes
// show keyed fingerprints (Host.Fingerprint), sensitive files show that they
// changed and nothing else. Other blocks refer to a secret as secret.NAME and
// get where it is delivered (resources.SecretRefType), never the value.
//
// Several secrets share one .env file, so a synthesizer adds one writer node
// per service user (secret_env.USER) that owns the lines clawplan wrote,
// each marked by a comment naming its secret, and preserves every other line.
//
//	secret "gateway_token" {
//	  source { generate { length = 48 } }
//	  deliver { env = "OPENCLAW_GATEWAY_TOKEN" }
//	}
package secret
