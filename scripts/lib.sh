# Shared by the scripts that run a server: source it, do not run it.

# A free TCP port on the loopback interface.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to 60 s for URL/health to answer: the demo seeds itself first, slower on PostgreSQL and on a loaded machine.
wait_healthy() {
  local url=$1
  for _ in $(seq 1 300); do
    curl -fsS "$url/health" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the server at $url did not become healthy" >&2
  return 1
}

# start_demo_server BIN DIR: runs `BIN serve --demo` in DIR on a free port, logging to
# DIR/serve-PORT.log, and waits for it. Sets SERVER_PID, SERVER_URL and SERVER_LOG.
# The environment passes through (BASCULE_DATABASE_URL selects PostgreSQL).
start_demo_server() {
  local bin=$1 dir=$2 port
  port=$(free_port)
  SERVER_URL="http://127.0.0.1:$port"
  SERVER_LOG="$dir/serve-$port.log"
  (cd "$dir" && exec "$bin" serve --demo --port "$port" >"$SERVER_LOG" 2>&1) &
  SERVER_PID=$!
  wait_healthy "$SERVER_URL" || { tail -20 "$SERVER_LOG" >&2; return 1; }
}

# start_release_demo ROOT: for benchmarks. Builds the release binary, starts the demo in a
# temporary folder (removed with the server on exit) and signs the demo's release manager in.
# Sets BIN, WORK, SERVER_URL, SERVER_PID and TOKEN.
start_release_demo() {
  local root=$1
  (cd "$root" && swift build -c release --product bascule >/dev/null)
  BIN="$root/.build/release/bascule"
  WORK=$(mktemp -d)
  trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
  BASCULE_LOG_LEVEL=${BASCULE_LOG_LEVEL:-error} start_demo_server "$BIN" "$WORK"
  TOKEN=$("$BIN" token create --user manager --name bench --expires 1d --data-dir "$WORK/bascule-data" 2>/dev/null)
}

# release_binary ROOT [BIN]: the bascule binary a benchmark measures: BIN when given, else a
# release build made now. Sets bin.
release_binary() {
  local root=$1 given=${2:-}
  if [ -z "$given" ]; then (cd "$root" && swift build -c release --product bascule >&2); given=$root/.build/release/bascule; fi
  bin=$(realpath "$given")
}

# bench_binary [BIN]: the bascule binary to measure (a release build, made when none is given),
# with wrk installed. Sets BIN.
bench_binary() {
  command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
  BIN=${1:-}
  if [ -z "$BIN" ]; then
    swift build -c release --product bascule >&2
    BIN=$(swift build -c release --show-bin-path)/bascule
  fi
  BIN=$(realpath "$BIN")
}

# rps PATH [HEADER]: requests per second of PATH under wrk (THREADS, CONNECTIONS, DURATION),
# HEADER sent on each request if given; any non-2xx answer stops the benchmark. Needs SERVER_URL
# and WORK (where wrk's report is kept for p99).
rps() {
  local header=()
  [ -n "${2:-}" ] && header=(-H "$2")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${header[@]}" "$SERVER_URL$1" >"$WORK/wrk.txt"
  grep -q "Non-2xx" "$WORK/wrk.txt" && { cat "$WORK/wrk.txt" >&2; echo "non-2xx answers on $1" >&2; exit 1; }
  awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt"
}

# p99: the 99th percentile latency of the last rps.
p99() { awk '/ 99%/ {print $2}' "$WORK/wrk.txt"; }
