#!/usr/bin/env bash
# An action on replica A to the watchers on replica B: two release builds of the server on one
# throwaway PostgreSQL (the demo seeded by A), CLIENTS (default 200) Server-Sent Events clients
# on the demo's live run. Prints request-to-delivery p50/p99 with the watchers on B, then, as
# the reference in the same go, with the watchers on A itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/lib.sh"
bench_binary "${1:-}"
bin=$BIN
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
eval "$("$root/scripts/postgres-throwaway.sh" start)"
work=$(mktemp -d /tmp/bascule-bench-replicas.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; wait $p 2>/dev/null; done; "$root/scripts/postgres-throwaway.sh" stop "$PG_THROWAWAY_DIR"; rm -rf "$work"' EXIT
psql "$BASCULE_TEST_POSTGRES_URL" -qc "CREATE DATABASE bench" >/dev/null
database="${BASCULE_TEST_POSTGRES_URL%/*}/bench"
port_a=$(free_port) port_b=$(free_port)
(cd "$work" && exec env BASCULE_DATABASE_URL="$database" BASCULE_LOG_LEVEL=error "$bin" serve --demo --port "$port_a" >"$work/a.log" 2>&1) &
pids+=($!)
wait_healthy "http://127.0.0.1:$port_a"
(cd "$work" && exec env BASCULE_DATABASE_URL="$database" BASCULE_LOG_LEVEL=error "$bin" serve --port "$port_b" >"$work/b.log" 2>&1) &
pids+=($!)
wait_healthy "http://127.0.0.1:$port_b"
token=$("$bin" token create --user manager --name bench --expires 1d --database-url "$database")
run=$(BASCULE_SERVER="http://127.0.0.1:$port_a" BASCULE_TOKEN="$token" "$bin" run list REL-19 --json \
  | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["kind"] == "live"][0])')
echo "machine: $(nproc) cores; binary: $bin; PostgreSQL $(psql "$BASCULE_TEST_POSTGRES_URL" -Atc 'SHOW server_version')"
python3 "$root/Benchmarks/sse/fanout.py" "http://127.0.0.1:$port_a" "$token" "$run" "${CLIENTS:-200}" "${ACTIONS:-20}" "http://127.0.0.1:$port_b"
python3 "$root/Benchmarks/sse/fanout.py" "http://127.0.0.1:$port_a" "$token" "$run" "${CLIENTS:-200}" "${ACTIONS:-20}"
