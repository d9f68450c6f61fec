#!/usr/bin/env bash
# Webhook deliveries (issue 17): 10,000 events, each delivered to a local receiver that verifies
# every signature with the Standard Webhooks reference library. Measures the time from the first
# event to the last verified delivery and the server's memory along the way; the reference run,
# in the same go, is the same receiver fed the same 10,000 signed requests by a plain client
# (how fast the receiver itself can go), so that the ratio says what Bascule adds.
# Usage: Benchmarks/webhooks/run.sh [path/to/release/bascule]   (COUNT=2000 for a shorter run;
# TRACE=1 prints what arrived and the tries' average and longest time every half second)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/lib.sh"
release_binary "$root" "${1:-}"
python3 -c 'import standardwebhooks' 2>/dev/null || python3 -m pip install -q standardwebhooks >&2
work=$(mktemp -d /tmp/bascule-bench-webhooks.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 $p 2>/dev/null; done; rm -rf "$work"' EXIT
echo "machine: $(nproc) cores; binary: $bin"
count=${COUNT:-10000}
secret="whsec_$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')"

receiver() {  # receiver DIR -> sets HOOK
  local port; port=$(free_port); mkdir -p "$1"
  python3 "$root/scripts/notify/webhook_receiver.py" "$port" "$secret" "$1" >"$1/log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 50); do grep -q "receiver on" "$1/log" && break; sleep 0.1; done
  HOOK="http://127.0.0.1:$port/hook"
}
distinct() { [ -f "$1/events.jsonl" ] && wc -l <"$1/events.jsonl" || echo 0; }

# The reference: the receiver fed signed requests by a plain client, 16 at a time.
receiver "$work/reference"
reference=$(python3 - "$HOOK" "$secret" "$count" <<'PY'
import base64, concurrent.futures, datetime, hashlib, hmac, http.client, json, sys, time, urllib.parse
url, secret, count = urllib.parse.urlparse(sys.argv[1]), sys.argv[2], int(sys.argv[3])
key = base64.b64decode(secret[len("whsec_"):])
def send(chunk):
    connection = http.client.HTTPConnection(url.hostname, url.port)
    for i in chunk:
        body = json.dumps({"type": "release.moved", "timestamp": "2026-12-04T00:00:00Z", "data": {"n": i}})
        ident, stamp = f"msg_ref{i}", str(int(time.time()))
        signature = base64.b64encode(hmac.new(key, f"{ident}.{stamp}.{body}".encode(), hashlib.sha256).digest()).decode()
        connection.request("POST", url.path, body, {"webhook-id": ident, "webhook-timestamp": stamp, "webhook-signature": f"v1,{signature}", "Content-Type": "application/json"})
        connection.getresponse().read()
began = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    list(pool.map(send, [range(k, count, 16) for k in range(16)]))
print(f"{time.monotonic() - began:.2f}")
PY
)
echo "reference: the receiver alone took $count signed requests from 16 plain connections in ${reference} s"

# Bascule: events from moves of a release, each handed out and delivered.
receiver "$work/bascule"
BASCULE_LOG_LEVEL=error start_demo_server "$bin" "$work"
pids+=("$SERVER_PID")
token=$("$bin" token create --user manager --name bench --expires 1d --data-dir "$work/bascule-data" 2>/dev/null)
curl -fsS -H "Authorization: Bearer $token" -H "Content-Type: application/json" "$SERVER_URL/api/v1/webhooks" \
  -d "{\"name\":\"bench\",\"url\":\"$HOOK\",\"kinds\":[\"release.moved\"],\"secret\":\"$secret\"}" >/dev/null
rss() { ps -o rss= -p "$SERVER_PID" | tr -d ' '; }
rss_start=$(rss)
began=$(date +%s.%N)
python3 - "$SERVER_URL" "$token" "$count" <<'PY' &
import concurrent.futures, datetime as d, http.client, json, sys, urllib.parse, urllib.request
url, token, count = urllib.parse.urlparse(sys.argv[1]), sys.argv[2], int(sys.argv[3])
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
listing = json.load(urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/api/v1/releases?status=planned&limit=4", headers=headers)))
keys = [r["key"] for r in listing["items"]][:4]
start = d.datetime.now(d.timezone.utc).replace(microsecond=0) + d.timedelta(days=40)
def moves(key, n):
    connection = http.client.HTTPConnection(url.hostname, url.port)
    for i in range(n):
        s = start + d.timedelta(minutes=i)
        body = json.dumps({"plannedStart": s.isoformat().replace("+00:00", "Z"), "plannedEnd": (s + d.timedelta(hours=2)).isoformat().replace("+00:00", "Z")})
        connection.request("PATCH", f"/api/v1/releases/{key}", body, headers)
        answer = connection.getresponse(); answer.read()
        assert answer.status == 200, answer.status
import time
began = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(len(keys)) as pool:
    list(pool.map(lambda k: moves(k, count // len(keys)), keys))
print(f"the {count} moves themselves took {time.monotonic() - began:.1f} s", flush=True)
PY
mover=$!
rss_half=""
while [ "$(distinct "$work/bascule")" -lt "$count" ]; do
  [ -n "${TRACE:-}" ] && echo "t=$(python3 -c "print(round($(date +%s.%N) - $began, 1))") received=$(distinct "$work/bascule") attempts: $(sqlite3 "$work/bascule-data/bascule.sqlite" "select count(*), avg(millis), max(millis) from delivery_attempts" 2>/dev/null)"
  sleep 0.5
  [ -z "$rss_half" ] && [ "$(distinct "$work/bascule")" -ge $((count / 2)) ] && rss_half=$(rss)
  if [ "$(python3 -c "print(int($(date +%s.%N) - $began))")" -gt 300 ]; then echo "only $(distinct "$work/bascule") of $count after 300 s"; exit 1; fi
done
ended=$(date +%s.%N)
wait "$mover"
rss_end=$(rss)
python3 - "$work/bascule/stats.json" "$began" "$ended" "$reference" "$count" "$rss_start" "$rss_half" "$rss_end" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1])); began, ended, reference, count = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
took = ended - began
print(f"bascule: {count} events made by moving releases and delivered, each verified, in {took:.1f} s "
      f"({count / took:.0f}/s); {stats['invalid']} bad signatures, {stats['duplicates']} duplicates")
print(f"ratio to the receiver alone: {took / reference:.2f}")
print(f"server memory (RSS): {int(sys.argv[6]) // 1024} MiB at the start, {int(sys.argv[7]) // 1024} MiB halfway, {int(sys.argv[8]) // 1024} MiB at the end")
assert stats["invalid"] == 0
PY
