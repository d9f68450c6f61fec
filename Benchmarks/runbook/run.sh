#!/usr/bin/env bash
# The runbook benchmark: forecast of 10,000 steps with 1,000 Monte Carlo draws, critical path
# of 100,000 steps against networkx's dag_longest_path on the same runbook (checked equal in
# length), and the forecast's accuracy over 1,000 simulated cutovers. Release build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c 'import networkx' 2>/dev/null || python3 -m pip install --quiet networkx
(cd "$root" && swift build -c release --product RunbookBenchmark >/dev/null)
out=$("$root/.build/release/RunbookBenchmark" "$work/runbook.csv")
echo "$out"
read -r _ _ ms length steps _ <<<"$(echo "$out" | grep '^criticalpath')"
read -r rms rlength rsteps <<<"$(python3 "$root/Benchmarks/runbook/reference.py" "$work/runbook.csv")"
printf 'critical path of 100000 steps: Bascule %.1f ms, networkx %.1f ms, ratio %.1fx faster; length %s s vs %s s (%s)\n' \
  "$ms" "$rms" "$(echo "$rms / $ms" | bc -l)" "$length" "$rlength" "$([ "$length" = "$rlength" ] && echo same || echo DIFFERENT)"
[ "$length" = "$rlength" ]
