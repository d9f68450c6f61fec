#!/usr/bin/env bash
# Many runs at once on one replica: a release build with the demo, RUNS (default 1000)
# rehearsals each watched by one client and acted on once a second for SECONDS (default 30);
# then, as the reference in the same go, the same with 10 runs on a fresh server.
# ENGINE=postgresql runs it on a throwaway PostgreSQL instead of SQLite.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/lib.sh"
bench_binary "${1:-}"
bin=$BIN
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # 1,000 watchers and 1,000 actors need about 4,000 descriptors
engine=${ENGINE:-sqlite}
if [ "$engine" = postgresql ]; then
  eval "$("$root/scripts/postgres-throwaway.sh" start)"
fi
work=$(mktemp -d /tmp/bascule-bench-runs.XXXXXX)
pid=""
stop_all() { [ -n "$pid" ] && { kill $pid 2>/dev/null; wait $pid 2>/dev/null; }; pid=""; }
trap 'stop_all; [ -n "${PG_THROWAWAY_DIR:-}" ] && "$root/scripts/postgres-throwaway.sh" stop "$PG_THROWAWAY_DIR"; rm -rf "$work"' EXIT

measure() {  # RUNS
  local name="runs$1" port database=()
  mkdir -p "$work/$name"
  if [ "$engine" = postgresql ]; then
    psql "$BASCULE_TEST_POSTGRES_URL" -qc "CREATE DATABASE $name" >/dev/null
    database=(--database-url "${BASCULE_TEST_POSTGRES_URL%/*}/$name")
  else
    database=(--data-dir "$work/$name/data")
  fi
  port=$(free_port)
  (cd "$work/$name" && exec env BASCULE_LOG_LEVEL=error "$bin" serve --demo --port "$port" "${database[@]}" >"$work/$name/serve.log" 2>&1) &
  pid=$!
  wait_healthy "http://127.0.0.1:$port"
  local token
  token=$("$bin" token create --user manager --name bench --expires 1d "${database[@]}")
  python3 "$root/Benchmarks/concurrent-runs/load.py" "http://127.0.0.1:$port" "$token" "$pid" "$1" "${SECONDS_EACH:-30}"
  stop_all
}
echo "machine: $(nproc) cores; binary: $bin; engine: $engine"
echo "--- ${RUNS:-1000} runs"
measure "${RUNS:-1000}"
echo "--- reference: 10 runs"
measure 10
