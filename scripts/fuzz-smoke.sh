#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME (default 10s) with coverage guidance,
# on top of the seed corpora in testdata/ that `go test` already replays,
# and records execs and crashes in the suite summary ($CLAWPLAN_SUITE_SUMMARY).
# The 10-minute runs the fuzz issue asks for are `make fuzz FUZZTIME=10m`.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}
summary=${CLAWPLAN_SUITE_SUMMARY:-/dev/null}
fail=0
# Every fuzz target in the tree: "PKG NAME" per line.
mapfile -t targets < <(grep -rHoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' . |
  sed -E 's#^(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+)$#\1 \2#' | sort)
[ "${#targets[@]}" -gt 0 ] || { echo "no fuzz targets found" >&2; exit 1; }
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  log=$(mktemp)
  if $GO test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then crashed=0; else crashed=1; fail=1; fi
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  echo "fuzz $name ($pkg): $execs execs in $FUZZTIME, $crashed crashes"
  [ "$crashed" = 0 ] || cat "$log"
  printf 'fuzz\t%s\t%s\t%s: %s execs in %s\n' "$execs" "$crashed" "$name" "$execs" "$FUZZTIME" >>"$summary"
  rm -f "$log"
done
exit $fail
