#!/usr/bin/env bash
# Requests per second of the heaviest pages (the home page, which checks the next gate of 20
# releases; the release list, which scores the risk of each row; a release's overview; the live
# run page with its forecast) against GET /health on the same server, under wrk on loopback,
# printed as ratios so that the figures survive a change of machine.
# Usage: Benchmarks/pages/run.sh [path/to/bascule]   (default: a release build, made if missing)
# Env: DURATION (default 10s), CONNECTIONS (default 8), THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
bin=${1:-}
if [ -z "$bin" ]; then
  swift build -c release --product bascule >&2
  bin=$(swift build -c release --show-bin-path)/bascule
fi
bin=$(realpath "$bin")
duration=${DURATION:-10s}
connections=${CONNECTIONS:-8}
threads=${THREADS:-2}

source scripts/lib.sh
work=$(mktemp -d /tmp/bascule-bench.XXXXXX)
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$work"' EXIT
BASCULE_LOG_LEVEL=warning start_demo_server "$bin" "$work"
token=$("$bin" token create --user manager --name bench --data-dir "$work/bascule-data" 2>/dev/null)
run=$(curl -fsS -H "Authorization: Bearer $token" "$SERVER_URL/api/v1/releases/REL-19/runs" | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("items", d) if isinstance(d, dict) else d; print([r["id"] for r in d if r["kind"] == "live"][0])')

rps() {
  local header=()
  [ -n "${2:-}" ] && header=(-H "$2")
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "${header[@]}" "$SERVER_URL$1" >"$work/wrk.txt"
  grep -q "Non-2xx" "$work/wrk.txt" && { cat "$work/wrk.txt" >&2; echo "non-2xx answers on $1" >&2; exit 1; }
  awk '/Requests\/sec/ {print $2}' "$work/wrk.txt"
}
p99() { awk '/ 99%/ {print $2}' "$work/wrk.txt"; }

wrk -t1 -c4 -d2s "$SERVER_URL/health" >/dev/null   # warm-up
health=$(rps /health); health_p99=$(p99)
echo "machine: $(nproc) cores, $(uname -m); binary: $bin"
echo "wrk -t$threads -c$connections -d$duration on 127.0.0.1, SQLite, demo portfolio (19 releases), signed in as the release manager"
printf "%-36s %10s req/s  p99 %-9s\n" "GET /health" "$health" "$health_p99"
for path in /home /releases /releases/REL-19 "/runs/$run"; do
  value=$(rps "$path" "Authorization: Bearer $token"); latency=$(p99)
  printf "%-36s %10s req/s  p99 %-9s ratio %s\n" "GET $path" "$value" "$latency" "$(python3 -c "print(f'{$value / $health:.3f}')")"
done
