#!/usr/bin/env bash
# The inventory benchmark: generates 50,000 items, 200,000 relations and 10,000 releases,
# times Bascule's impact, conflict check and calendar scan (release build), computes the same
# impact sets with networkx in the same go, checks they are equal and prints the ratios.
# Usage: Benchmarks/inventory/run.sh [ITEMS RELATIONS RELEASES]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${BENCH_DATA:-$(mktemp -d)}
python3 -c 'import networkx' 2>/dev/null || python3 -m pip install --quiet networkx
python3 "$root/Benchmarks/inventory/generate.py" "$data" "$@"
(cd "$root" && swift build -c release --product InventoryBenchmark >/dev/null)
out=$("$root/.build/release/InventoryBenchmark" "$data")
echo "$out"
keys=$(echo "$out" | awk '$1 == "impact" {print $2}')
reference=$(python3 "$root/Benchmarks/inventory/reference.py" "$data" $keys)
status=0
while read -r _ key count ms digest; do
  read -r rkey rcount rms rdigest <<<"$(echo "$reference" | awk -v k="$key" '$1 == k')"
  if [ "$count" != "$rcount" ] || [ "$digest" != "$rdigest" ]; then
    echo "impact $key: Bascule found $count items, networkx $rcount: the sets differ" >&2; status=1
  fi
  printf 'impact %s: %s items, Bascule %.3f ms, networkx %.3f ms, ratio %.1fx faster (same set: %s)\n' \
    "$key" "$count" "$ms" "$rms" "$(echo "$rms / $ms" | bc -l)" "$([ "$digest" = "$rdigest" ] && echo yes || echo NO)"
done < <(echo "$out" | awk '$1 == "impact"')
[ -z "${BENCH_DATA:-}" ] && rm -rf "$data"
exit $status
