// Package doc reads, edits and writes OpenClaw's openclaw.json without
// losing what it does not own.
//
// OpenClaw reads its config as JSON5, so Parse accepts JSON5 (comments,
// trailing commas, single-quoted strings, unquoted keys, hex numbers) and
// keeps what a rewrite can keep: the key order of every object, the exact
// text of every number (a 19-digit Discord snowflake never goes through
// float64), and comments, attached to the member or element they precede.
// Encode writes the tree back the way OpenClaw itself writes the file
// (JSON.stringify with two-space indentation), comments included.
//
// Edits address values by Path, a JSON-pointer-like list of segments. A
// segment is an object key, an array index, or a Where selector that picks
// the array element whose fields have given values (a model entry by its
// "id"), so a manager can own fields inside one array element without
// owning the array. Set creates what is missing; Delete removes every
// duplicate of a key (JSON5 lets the last duplicate win, so leaving an
// earlier one would resurrect it).
//
// The package is pure: no I/O, no globals, safe for fuzzing.
package doc
