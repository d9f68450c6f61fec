#!/usr/bin/env bash
# Starts a throwaway PostgreSQL from Debian's packages on a free loopback port, for tests.
# Usage: eval "$(scripts/postgres-throwaway.sh start)"   -> exports BASCULE_TEST_POSTGRES_URL, PG_THROWAWAY_DIR
#        scripts/postgres-throwaway.sh stop DIR
# Installs the server with apt-get when it is missing. Works as root (runs the server as postgres).
set -euo pipefail

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  return 1
}

start() {
  local bin
  if ! bin=$(find_bin); then
    echo "postgres-throwaway: installing postgresql from Debian's packages" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
  fi
  local dir port
  dir=$(mktemp -d /tmp/bascule-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  chown postgres:postgres "$dir" 2>/dev/null || true
  local run=()
  [ "$(id -u)" = "0" ] && run=(runuser -u postgres --)
  "${run[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=1000" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "export BASCULE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres"
  echo "export PG_THROWAWAY_DIR=$dir"
}

stop() {
  local dir=$1 bin run=()
  bin=$(find_bin) || return 0
  [ "$(id -u)" = "0" ] && run=(runuser -u postgres --)
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?directory}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
