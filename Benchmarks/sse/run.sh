#!/usr/bin/env bash
# Server-Sent Events fan-out: a release build of the server with the demo portfolio, 200
# clients watching the demo's live run, 20 actions on its steps; prints the request-to-delivery
# p50/p99 over every client and action, against the request's own time in the same go.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/lib.sh"
BASCULE_LOG_LEVEL=info start_release_demo "$root"
bin=$BIN token=$TOKEN
run=$(BASCULE_SERVER="$SERVER_URL" BASCULE_TOKEN="$token" "$bin" run list REL-19 --json | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["kind"] == "live"][0])')
python3 "$root/Benchmarks/sse/fanout.py" "$SERVER_URL" "$token" "$run" "${CLIENTS:-200}" "${ACTIONS:-20}"
