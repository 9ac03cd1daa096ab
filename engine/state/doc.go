// Package state is clawplan's own directory on the host (0700, files
// 0600): the fingerprint key, the lock that keeps two applies apart, the
// journal that lets a run after a crash finish restoring, the snapshots
// taken before each mutation, the numbered generations of successful
// applies, and the record of what clawplan owns.
//
// Layout:
//
//	key                 HMAC key for fingerprints and saved-plan checksums
//	lock, lock.info     flock(2) lock and who holds it
//	owned.json          what clawplan created, by address
//	pending.json        refreshes (restarts) still owed
//	inflight            id of the run an interrupted apply or rollback left
//	runs/ID/journal     one JSON line per step, fsynced
//	runs/ID/snap/ADDR   snapshots of that run, one file per resource
//	runs/ID/meta.json   the run's manifest hash, owned.json before it, result
//	generations.json    successful applies, numbered
package state
