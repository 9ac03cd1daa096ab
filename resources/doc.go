// Package resources is clawplan's vocabulary: addresses, actions, probed
// states, changes and snapshots, the Resource and Kind interfaces every block
// type implements, the registry kinds add themselves to, and the Host handle
// through which resources read and change the machine.
//
// Dependencies point one way: cmd -> engine -> resources <- resources/<kind>.
// The engine knows nothing about nftables, Docker or systemd; a kind knows
// nothing about graphs, plans or journals.
//
// The life of a resource in one run:
//
//	Kind.Decode   HCL block -> Resource           (static, no host I/O)
//	Validate      static checks                   (no host I/O)
//	Probe         the live host -> State          (read-only)
//	Diff          State -> Change                 (pure)
//	Snapshot      exact pre-change state          (read-only, before Apply)
//	Apply         make the host match the Change
//	Restore       back to a Snapshot, including "did not exist"
//
// Optional capabilities are small extra interfaces (Orphaner, Owner,
// CrossValidator, Dependent, Refresher, Exporter), checked by type assertion.
package resources
