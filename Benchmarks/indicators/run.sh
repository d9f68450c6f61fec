#!/usr/bin/env bash
# The indicators benchmark: a store of 100,000 releases over four years (one live run each,
# 1,000,000 run actions, 200,000 changes, 50,000 incidents), every indicator of the last full
# quarter computed as the server does (release build, SQLite), the same figures computed again by
# an independent Python reference over the same file; checks they are equal and prints the ratio.
# Usage: Benchmarks/indicators/run.sh [RELEASES]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && swift build -c release --product IndicatorBenchmark >/dev/null)
bench="$root/.build/release/IndicatorBenchmark"
"$bench" generate "$work/bench.sqlite" "${1:-100000}"
# The last full quarter of the four years: October to December 2027.
from=2027-10-01T00:00:00Z to=2028-01-01T00:00:00Z
swift_out=$("$bench" measure "$work/bench.sqlite" "$from" "$to")
python_out=$(python3 "$root/Benchmarks/indicators/reference.py" "$work/bench.sqlite" "$from" "$to")
echo "$swift_out"
status=0
while read -r _ key numerator denominator value; do
  read -r _ _ rnumerator rdenominator rvalue <<<"$(echo "$python_out" | awk -v k="$key" '$1 == "indicator" && $2 == k')"
  if [ "$numerator $denominator $value" != "$rnumerator $rdenominator $rvalue" ]; then
    echo "$key: Bascule $numerator/$denominator = $value, reference $rnumerator/$rdenominator = $rvalue: DIFFERENT" >&2; status=1
  fi
done < <(echo "$swift_out" | grep '^indicator')
median=$(echo "$swift_out" | sed -n 's/.*median \([0-9.]*\) ms.*/\1/p')
reference=$(echo "$python_out" | sed -n 's/^time median \([0-9.]*\) ms/\1/p')
printf 'every indicator of a quarter: Bascule %s ms (median of 7), Python reference %s ms, ratio %.1fx; figures %s\n' \
  "$median" "$reference" "$(echo "$reference / $median" | bc -l)" "$([ $status = 0 ] && echo "equal (13 indicators)" || echo DIFFERENT)"
exit $status
