// Package views renders a plan, computed once by the engine, for people
// (text, with colour when the terminal wants it), for programs (versioned
// JSON, see schema/plan.schema.json) and for pull requests (markdown,
// summary first, never over GitHub's 65,535-character comment limit).
// Every view passes its output through the run's Redactor.
package views
