#!/usr/bin/env bash
# Requests per second of GET /api/v1/releases/{key} (authenticated) against GET /health on the same server,
# under wrk on loopback, printed as a ratio so that the figure survives a change of machine.
# Usage: Benchmarks/http/run.sh [path/to/bascule]   (default: a release build, made if missing)
# Env: DURATION (default 10s), CONNECTIONS (default 32), THREADS (default 2);
# ENGINE=postgresql runs the server on a throwaway PostgreSQL instead of SQLite.
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
engine=${ENGINE:-sqlite}
database=(--data-dir "$work/bascule-data")
if [ "$engine" = postgresql ]; then
  eval "$(scripts/postgres-throwaway.sh start)"
  psql "$BASCULE_TEST_POSTGRES_URL" -qc "CREATE DATABASE bench" >/dev/null
  export BASCULE_DATABASE_URL="${BASCULE_TEST_POSTGRES_URL%/*}/bench"
  database=(--database-url "$BASCULE_DATABASE_URL")
fi
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; [ -n "${PG_THROWAWAY_DIR:-}" ] && scripts/postgres-throwaway.sh stop "$PG_THROWAWAY_DIR"; rm -rf "$WORK"' EXIT
BASCULE_LOG_LEVEL=warning start_demo_server "$bin" "$work"
# The release read is measured as a client makes it: with a bearer token, so each request also
# has its token checked (remembered for half a second at most, see docs/OPERATIONS.md).
token=$("$bin" token create --user viewer --name bench "${database[@]}" 2>/dev/null)


wrk -t1 -c4 -d2s "$SERVER_URL/health" >/dev/null   # warm-up
# ROUNDS pairs, one after the other, so that a slow moment of the machine touches both sides;
# the ratio is of the medians.
healths=() releases=()
for _ in $(seq 1 "${ROUNDS:-3}"); do
  healths+=("$(rps /health)"); health_p99=$(p99)
  releases+=("$(rps /api/v1/releases/REL-5 "Authorization: Bearer $token")"); release_p99=$(p99)
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
health=$(median "${healths[@]}") release=$(median "${releases[@]}")
ratio=$(python3 -c "print(f'{$release / $health:.2f}')")

echo "machine: $(nproc) cores, $(uname -m); binary: $bin"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on 127.0.0.1, $engine, demo portfolio; median of ${ROUNDS:-3} rounds (each: ${healths[*]} / ${releases[*]})"
printf "%-32s %12s req/s  p99 %s\n" "GET /health" "$health" "$health_p99"
printf "%-32s %12s req/s  p99 %s\n" "GET /api/v1/releases/REL-5" "$release" "$release_p99"
echo "ratio release/health: $ratio"
