#!/usr/bin/env bash
# Two `bascule serve` replicas on one PostgreSQL behind HAProxy (Debian's), as docs/OPERATIONS.md
# deploys them: a live run driven through one and watched through the other, one of them killed
# with SIGKILL mid-run (scripts/replica_check.py), /metrics checked by promtool, and a backup
# taken while the survivor serves, restored into an empty database with its audit trail verified.
# Usage: scripts/replicas.sh [path/to/bascule]   Needs BASCULE_TEST_POSTGRES_URL (a server it may create databases on).
set -euo pipefail

bascule=$(realpath "${1:-.build/debug/bascule}")
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"
[ -n "${BASCULE_TEST_POSTGRES_URL:-}" ] || { echo "replicas: BASCULE_TEST_POSTGRES_URL is not set" >&2; exit 1; }
need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v promtool >/dev/null || need+=(prometheus)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/bascule-replicas.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "replicas: FAILED: $*" >&2; for log in "$work"/*.log; do echo "--- $log" >&2; tail -15 "$log" >&2; done; exit 1; }

server=${BASCULE_TEST_POSTGRES_URL%/*}
suffix=$(date +%s)$$
database="$server/bascule_replicas_$suffix"
restored="$server/bascule_restored_$suffix"
psql "$BASCULE_TEST_POSTGRES_URL" -qc "CREATE DATABASE bascule_replicas_$suffix" -c "CREATE DATABASE bascule_restored_$suffix" >/dev/null

port_a=$(free_port) port_b=$(free_port) port_proxy=$(free_port)
start_replica() {  # NAME PORT [--demo]
  (cd "$work" && exec env BASCULE_DATABASE_URL="$database" BASCULE_LOG_FORMAT=json "$bascule" serve --port "$2" \
    --trusted-proxies 127.0.0.1 ${3:-} >"$work/$1.log" 2>&1) &
  pids+=($!)
  eval "pid_$1=$!"
  wait_healthy "http://127.0.0.1:$2" || fail "replica $1 did not start"
}
start_replica a "$port_a" --demo
start_replica b "$port_b"

cat >"$work/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  option redispatch
  retries 2
frontend bascule
  bind 127.0.0.1:$port_proxy
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /health
  http-check expect status 200
  option forwardfor
  server a 127.0.0.1:$port_a check inter 300ms fall 2 rise 2
  server b 127.0.0.1:$port_b check inter 300ms fall 2 rise 2
CFG
haproxy -c -f "$work/haproxy.cfg" >/dev/null || fail "the HAProxy configuration is refused"
(exec haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1) &
pids+=($!)
proxy="http://127.0.0.1:$port_proxy"
wait_healthy "$proxy" || fail "HAProxy did not answer"
echo "replicas: ok - two replicas on PostgreSQL behind HAProxy at $proxy"

token=$("$bascule" token create --user manager --name replicas --expires 1d --database-url "$database")
auditor=$("$bascule" token create --user demo-admin --name prometheus --expires 1d --database-url "$database")
run=$(BASCULE_SERVER="$proxy" BASCULE_TOKEN="$token" "$bascule" run list REL-19 --json \
  | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["kind"] == "live"][0])')
python3 "$root/scripts/replica_check.py" "$proxy" "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_b" "$token" "$run" "$pid_a" \
  || fail "the live run across replicas"

grep -q '"request_id":"' "$work/b.log" || fail "replica b's JSON log lines carry no request id"
curl -fsS -H "Authorization: Bearer $auditor" "$proxy/metrics" >"$work/metrics.txt" || fail "/metrics through the proxy"
promtool check metrics <"$work/metrics.txt" || fail "promtool refused /metrics"
grep -q 'bascule_run_watchers' "$work/metrics.txt" || fail "/metrics does not count the run watchers"
echo "replicas: ok - /metrics passes promtool check metrics; the logs are JSON lines with request ids"

"$bascule" backup "$work/live.pgdump" --database-url "$database" >"$work/backup.out" || fail "bascule backup while b serves"
"$bascule" restore "$work/live.pgdump" --database-url "$restored" >"$work/restore.out" || fail "bascule restore"
grep -q "audit trail intact" "$work/restore.out" || fail "the restored audit trail was not verified: $(cat "$work/restore.out")"
"$bascule" audit verify --database-url "$restored" | grep -q "$(sed -n 's/.*head \([0-9a-f]*\)$/\1/p' "$work/restore.out" | head -1)" \
  || fail "the restored database's audit head differs from the one restore printed"
echo "replicas: ok - backup taken while serving, restored into an empty database, audit trail intact ($(sed -n 's/^audit trail intact: \(.*\); head.*/\1/p' "$work/restore.out"))"

psql "$BASCULE_TEST_POSTGRES_URL" -qc "DROP DATABASE bascule_restored_$suffix WITH (FORCE)" >/dev/null 2>&1 || true
