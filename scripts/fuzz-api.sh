#!/usr/bin/env bash
# Property-based checks of the API against its own OpenAPI document with schemathesis (PyPI):
# no input may get a 5xx, and every answer must match the contract (status, content type, schema).
# Strings include NUL and other control characters, which the text rule answers with a 400.
# Usage: scripts/fuzz-api.sh [path/to/bascule]   Env: MAX_EXAMPLES (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v schemathesis >/dev/null || python3 -m pip install -q schemathesis >&2
bin=$(realpath "${1:-.build/debug/bascule}")
source scripts/lib.sh
work=$(mktemp -d /tmp/bascule-fuzz.XXXXXX)
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$work"' EXIT
BASCULE_LOG_LEVEL=error start_demo_server "$bin" "$work"
password=$(sed -n 's/^Created the first user: admin, password \(.*\)$/\1/p' "$SERVER_LOG")
token=$(curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$password\"}" \
  "$SERVER_URL/api/v1/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
# negative_data_rejection is left out: Swift's JSON decoder reads 50.0 as the integer 50, which
# the contract's `integer` does not strictly allow, and refusing it would help nobody.
# watchRun is left out: schemathesis learns run ids from answers and then waits on the event
# stream of a real run for as long as it stays open (up to ten minutes each time); the stream
# is checked by the run events tests and in Chromium by scripts/e2e.sh.
curl -fsS -H "Authorization: Bearer $token" "$SERVER_URL/api/v1/openapi.yaml" >"$work/openapi.yaml"
schemathesis run "$work/openapi.yaml" --url "$SERVER_URL/api/v1" -H "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance,response_headers_conformance \
  --generation-allow-x00 true --exclude-operation-id watchRun \
  --max-examples "${MAX_EXAMPLES:-60}" --workers 1 --no-color
