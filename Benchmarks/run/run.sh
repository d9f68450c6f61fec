#!/usr/bin/env bash
# Long runs: a release build of the server on SQLite with the demo, a runbook of N steps (a
# chain with a join every tenth step) on a demo draft, a rehearsal of it, then reading the run
# and acting on it through the API, against the health check in the same go. Prints medians,
# p90s and the ratio of each to the health check, for each size in SIZES (default 1000 10000 20000).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
(cd "$root" && swift build -c release --product bascule >/dev/null)
bin="$root/.build/release/bascule"
source "$root/scripts/lib.sh"
work=$(mktemp -d)
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$work"' EXIT
BASCULE_LOG_LEVEL=error start_demo_server "$bin" "$work"
token=$("$bin" token create --user manager --name bench --expires 1d --data-dir "$work/bascule-data" 2>/dev/null)
python3 "$root/Benchmarks/run/long_runs.py" "$SERVER_URL" "$token" ${SIZES:-1000 10000 20000}
