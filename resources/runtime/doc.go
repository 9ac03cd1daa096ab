// Package runtime adds the runtime nodes of the OpenClaw blocks: for every
// `gateway` block a gateway_service node (package gatewaysvc: OpenClaw
// installed, the systemd user unit, lingering, the service running), and
// for every `sandbox` block a sandbox_image node (package sandboximg: the
// custom image and stale sandbox containers).
//
// The blocks themselves belong to the OpenClaw configuration kinds, which
// write openclaw.json; this package only reads what they export
// (resources.Exporter) and registers a resources.Synthesizer. The
// gateway_service node applies after the writers of the files the gateway
// reads (openclaw_config.USER, secret_env.USER) and is the target of their
// Change.Triggers: the gateway restarts once, after the whole apply.
package runtime
