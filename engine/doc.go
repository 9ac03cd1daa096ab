// Package engine turns a manifest into a plan and a plan into changes on
// the host: load (config) -> graph -> decode blocks in dependency order ->
// validate -> probe (parallel, read-only) -> diff -> plan; then apply in
// dependency order with a snapshot before every mutation, a journal that
// survives kill -9, rollback of everything on the first failure, numbered
// generations, and refreshes (restarts) run once after a successful apply.
//
// The engine never imports a kind: it speaks only the resources vocabulary.
package engine
