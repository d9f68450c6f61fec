#!/usr/bin/env bash
# Server-Sent Events fan-out: a release build of the server with the demo portfolio, 200
# clients watching the demo's live run, 20 actions on its steps; prints the request-to-delivery
# p50/p99 over every client and action, against the request's own time in the same go.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
(cd "$root" && swift build -c release --product bascule >/dev/null)
bin="$root/.build/release/bascule"
source "$root/scripts/lib.sh"
work=$(mktemp -d)
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$work"' EXIT
start_demo_server "$bin" "$work"
token=$("$bin" token create --user manager --name bench --expires 1d --data-dir "$work/bascule-data" 2>/dev/null)
run=$(BASCULE_SERVER="$SERVER_URL" BASCULE_TOKEN="$token" "$bin" run list REL-19 --json | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["kind"] == "live"][0])')
python3 "$root/Benchmarks/sse/fanout.py" "$SERVER_URL" "$token" "$run" "${CLIENTS:-200}" "${ACTIONS:-20}"
