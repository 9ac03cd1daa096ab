#!/usr/bin/env bash
# Prints the reliability and security suite's summary (issue 8): one line
# per family, summed over the records tests appended to the file given as
# $1 through restest.Summary (and scripts/fuzz-smoke.sh). Under CI=true a
# family with no record fails the run: its tests did not run.
set -euo pipefail
file=$1
[ -f "$file" ] || : >"$file"
status=0
echo "== reliability and security suite"
line() { # family, format with %d tried and %d bad
  local fam=$1 fmt=$2 tried bad n
  read -r n tried bad < <(awk -F'\t' -v f="$fam" '$1==f {n++; t+=$2; b+=$3} END {printf "%d %d %d\n", n, t, b}' "$file")
  if [ "$n" = 0 ]; then
    printf '%-10s no record: its tests did not run\n' "$fam"
    [ -z "${CI:-}" ] || status=1
    return
  fi
  printf "%-10s $fmt (%d records)\n" "$fam" "$tried" "$bad" "$n"
  [ "$bad" = 0 ] || status=1
}
line injection "%d injection points tried, %d leftovers"
line crash     "%d kill -9s, %d not recovered"
line race      "%d concurrent races, %d corrupted"
line fuzz      "%d fuzz execs, %d crashes"
line hostile   "%d hostile inputs tried, %d host changes"
line canary    "%d outputs and files swept, %d canary hits"
line audit     "%d security audits, %d criticals"
exit $status
