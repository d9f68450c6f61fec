#!/usr/bin/env bash
# Long runs: a release build of the server on SQLite with the demo, a runbook of N steps (a
# chain with a join every tenth step) on a new draft, a rehearsal of it, then reading the run
# and acting on it through the API, against the health check in the same go. Prints medians,
# p90s and the ratio of each to the health check, for each size in SIZES (default 1000 5000 10000; the limit is 10,000).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/lib.sh"
start_release_demo "$root"
python3 "$root/Benchmarks/run/long_runs.py" "$SERVER_URL" "$TOKEN" ${SIZES:-1000 5000 10000}
