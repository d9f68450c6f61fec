#!/usr/bin/env bash
# Requests per second of GET /api/v1/releases/{key} (authenticated) against GET /health on the same server,
# under wrk on loopback, printed as a ratio so that the figure survives a change of machine.
# Usage: Benchmarks/http/run.sh [path/to/bascule]   (default: a release build, made if missing)
# Env: DURATION (default 10s), CONNECTIONS (default 32), THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."

source scripts/lib.sh
bench_binary "${1:-}"
bin=$BIN
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}

WORK=$(mktemp -d /tmp/bascule-bench.XXXXXX)
work=$WORK
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
BASCULE_LOG_LEVEL=warning start_demo_server "$bin" "$work"
# The release read is measured as a client makes it: with a bearer token, so each request also
# looks the token and its user up.
token=$("$bin" token create --user viewer --name bench --data-dir "$work/bascule-data" 2>/dev/null)


wrk -t1 -c4 -d2s "$SERVER_URL/health" >/dev/null   # warm-up
health=$(rps /health); health_p99=$(p99)
release=$(rps /api/v1/releases/REL-5 "Authorization: Bearer $token"); release_p99=$(p99)
ratio=$(python3 -c "print(f'{$release / $health:.2f}')")

echo "machine: $(nproc) cores, $(uname -m); binary: $bin"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on 127.0.0.1, SQLite, demo portfolio"
printf "%-32s %12s req/s  p99 %s\n" "GET /health" "$health" "$health_p99"
printf "%-32s %12s req/s  p99 %s\n" "GET /api/v1/releases/REL-5" "$release" "$release_p99"
echo "ratio release/health: $ratio"
