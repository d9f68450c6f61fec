#!/usr/bin/env bash
# Requests per second of the heaviest pages (the home page, which checks the next gate of 20
# releases; the release list, which scores the risk of each row; a release's overview; the live
# run page with its forecast) against GET /health on the same server, under wrk on loopback,
# printed as ratios so that the figures survive a change of machine.
# Usage: Benchmarks/pages/run.sh [path/to/bascule]   (default: a release build, made if missing)
# Env: DURATION (default 10s), CONNECTIONS (default 8), THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."

source scripts/lib.sh
bench_binary "${1:-}"
bin=$BIN
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}

WORK=$(mktemp -d /tmp/bascule-bench.XXXXXX)
work=$WORK
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
BASCULE_LOG_LEVEL=warning start_demo_server "$bin" "$work"
token=$("$bin" token create --user manager --name bench --data-dir "$work/bascule-data" 2>/dev/null)
run=$(curl -fsS -H "Authorization: Bearer $token" "$SERVER_URL/api/v1/releases/REL-19/runs" | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("items", d) if isinstance(d, dict) else d; print([r["id"] for r in d if r["kind"] == "live"][0])')

wrk -t1 -c4 -d2s "$SERVER_URL/health" >/dev/null   # warm-up
health=$(rps /health); health_p99=$(p99)
echo "machine: $(nproc) cores, $(uname -m); binary: $bin"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on 127.0.0.1, SQLite, demo portfolio (25 releases), signed in as the release manager"
printf "%-36s %10s req/s  p99 %-9s\n" "GET /health" "$health" "$health_p99"
for path in /home /releases /releases/REL-19 "/runs/$run"; do
  value=$(rps "$path" "Authorization: Bearer $token"); latency=$(p99)
  printf "%-36s %10s req/s  p99 %-9s ratio %s\n" "GET $path" "$value" "$latency" "$(python3 -c "print(f'{$value / $health:.3f}')")"
done
