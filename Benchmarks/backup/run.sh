#!/usr/bin/env bash
# `bascule backup` of a database with COUNT (default 100,000) releases while CLIENTS (default 50)
# writers create releases through the API: its time, and a restore of it that must hold every
# write acknowledged before the backup started. Reference in the same go: the same backup with
# no writer. ENGINE=postgresql runs it on a throwaway PostgreSQL (pg_dump) instead of SQLite.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/lib.sh"
bench_binary "${1:-}"
bin=$BIN
engine=${ENGINE:-sqlite}
count=${COUNT:-100000}
work=$(mktemp -d /tmp/bascule-bench-backup.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "${PG_THROWAWAY_DIR:-}" ] && "$root/scripts/postgres-throwaway.sh" stop "$PG_THROWAWAY_DIR"; rm -rf "$work"' EXIT
if [ "$engine" = postgresql ]; then
  eval "$("$root/scripts/postgres-throwaway.sh" start)"
  server=${BASCULE_TEST_POSTGRES_URL%/*}
  psql "$BASCULE_TEST_POSTGRES_URL" -qc "CREATE DATABASE live" -c "CREATE DATABASE copy" >/dev/null
  database=(--database-url "$server/live") restored=(--database-url "$server/copy")
  titles=(psql "$server/copy" -Atc "SELECT title FROM releases")
  seed_target=$server/live
else
  database=(--data-dir "$work/live") restored=(--data-dir "$work/copy")
  titles=(python3 -c "import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute('SELECT title FROM releases')]" "$work/copy/bascule.sqlite")
  seed_target=$work/live/bascule.sqlite
fi
start_server() {
  local port; port=$(free_port)
  (cd "$work" && exec env BASCULE_LOG_LEVEL=error "$bin" serve --port "$port" "$@" "${database[@]}" >>"$work/serve.log" 2>&1) &
  pid=$!; url="http://127.0.0.1:$port"
  wait_healthy "$url"
}
start_server --demo
kill $pid; wait $pid 2>/dev/null || true
python3 "$root/Benchmarks/backup/seed.py" "$engine" "$seed_target" "$count"
start_server
token=$("$bin" token create --user manager --name bench --expires 1d "${database[@]}")
echo "machine: $(nproc) cores; binary: $bin; engine: $engine; $count releases added to the demo"
begin=$(date +%s.%N)
"$bin" backup "$work/quiet.backup" "${database[@]}" >/dev/null
quiet=$(python3 -c "print(f'{$(date +%s.%N) - $begin:.1f}')")
echo "reference: the backup with no writer took $quiet s ($(du -h "$work/quiet.backup" | cut -f1))"
python3 "$root/Benchmarks/backup/writers.py" "$url" "$token" "${CLIENTS:-50}" "$bin" backup "$work/busy.backup" "${database[@]}" \
  -- bash -c "$(printf '%q ' "$bin" restore "$work/busy.backup" "${restored[@]}") >/dev/null && $(printf '%q ' "${titles[@]}")"
