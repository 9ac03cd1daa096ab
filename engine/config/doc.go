// Package config reads a clawplan manifest: one .hcl file or a directory of
// them. It parses the files, decodes the settings block, variables (with
// their values from defaults, CLAWPLAN_VAR_* environment variables,
// -var-file files and -var flags, in rising precedence), locals, and the
// declared blocks, and provides the evaluation context (var, local, the
// block values, the function library) the engine decodes blocks with.
//
// Every problem is an hcl.Diagnostic with a source range, a terse summary
// and a detail that says what to do; none is flattened into a string.
package config
