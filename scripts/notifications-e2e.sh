#!/usr/bin/env bash
# Notifications end to end, with real outside parts: an SMTP server (aiosmtpd, STARTTLS and a
# login), a webhook receiver that verifies signatures with the Standard Webhooks reference
# library and deduplicates by webhook-id, a real `bascule serve --demo` and Chromium.
# Checks: a newcomer follows a demo release, moves it, and finds the message in the inbox, in
# the mailbox and at the receiver; `bascule notify test` with the SMTP server down fails with
# a clear line and the message arrives once it is back; a receiver taking 10 s does not slow
# the requests; 1,000 deliveries pending when the server is killed with SIGKILL all arrive after
# the restart, each event once at the receiver; the public status page and its feeds; the pages
# in a browser, in English and French. Usage: scripts/notifications-e2e.sh [path/to/bascule]
set -euo pipefail

bascule=$(realpath "${1:-.build/debug/bascule}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/bascule-notify.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
source "$here/lib.sh"
fail() { echo "notifications e2e: FAILED: $*" >&2; [ -n "${SERVER_LOG:-}" ] && tail -30 "$SERVER_LOG" >&2; exit 1; }
check() { echo "notifications e2e: ok - $*"; }

python3 -c 'import aiosmtpd, standardwebhooks, playwright' 2>/dev/null || python3 -m pip install -q aiosmtpd standardwebhooks playwright >&2

# --- the outside parts
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
  -keyout "$work/smtp.key" -out "$work/smtp.pem" >/dev/null 2>&1 || fail "openssl could not make a certificate"
mkdir -p "$work/mail" "$work/hooks"
smtp_port=$(free_port)
start_mail() {  # start_mail [PASSWORD]: the password the server accepts (Bascule is given mail-secret-1)
  python3 "$here/notify/mail_sink.py" "$smtp_port" "$work/mail" "$work/smtp.pem" "$work/smtp.key" bascule "${1:-mail-secret-1}" >"$work/mail.log" 2>&1 &
  MAIL_PID=$!
  pids+=("$MAIL_PID")
  for _ in $(seq 1 50); do grep -q "mail sink on" "$work/mail.log" && return 0; sleep 0.1; done
  fail "the SMTP server did not start: $(cat "$work/mail.log")"
}
start_mail
secret="whsec_$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')"
hook_port=$(free_port)
start_receiver() {
  python3 "$here/notify/webhook_receiver.py" "$hook_port" "$secret" "$work/hooks" "$@" >"$work/receiver.log" 2>&1 &
  RECEIVER_PID=$!
  pids+=("$RECEIVER_PID")
  for _ in $(seq 1 50); do grep -q "webhook receiver on" "$work/receiver.log" && return 0; sleep 0.1; done
  fail "the webhook receiver did not start"
}
start_receiver

# --- the server, e-mail through STARTTLS with a login
export BASCULE_SMTP_HOST=localhost BASCULE_SMTP_PORT=$smtp_port BASCULE_SMTP_SECURITY=starttls BASCULE_SMTP_USERNAME=bascule \
  BASCULE_SMTP_PASSWORD=mail-secret-1 BASCULE_SMTP_FROM=bascule@bascule.example BASCULE_SMTP_CA_FILE=$work/smtp.pem BASCULE_EMAIL_GROUPING=1 \
  BASCULE_PUBLIC_URL=https://bascule.example
start_demo_server "$bascule" "$work" || fail "the server did not start"
pids+=("$SERVER_PID")
server=$SERVER_URL
grep -q "E-mail through localhost:$smtp_port (starttls)" "$SERVER_LOG" || fail "the server does not say where e-mail goes"
grep -q "mail-secret-1" "$SERVER_LOG" && fail "the SMTP password is in the server's log"
export BASCULE_SERVER=$server XDG_CONFIG_HOME="$work/config"
echo "manager-bascule-demo" | "$bascule" login --username manager --password-stdin >/dev/null || fail "login"
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$XDG_CONFIG_HOME/bascule/credentials")
api() { curl -fsS -H "Authorization: Bearer $token" -H "Content-Type: application/json" "$@"; }

mails_to() { grep -l "X-Envelope-To: $1" "$work"/mail/*.eml 2>/dev/null | wc -l; }
subject_of_last() {  # the decoded Subject of the newest message to $1
  python3 - "$work/mail" "$1" <<'PY'
import email, email.header, glob, os, sys
files = sorted(f for f in glob.glob(os.path.join(sys.argv[1], "*.eml")) if open(f, "rb").read().startswith(f"X-Envelope-To: {sys.argv[2]}".encode()))
message = email.message_from_bytes(open(files[-1], "rb").read())
print(str(email.header.make_header(email.header.decode_header(message["Subject"]))))
PY
}
mails_at_least() { [ "$(mails_to "$1")" -ge "$2" ]; }
moves_received() { grep -c '"type": "release.moved"' "$work/hooks/events.jsonl" || true; }
moves_at_least() { [ "$(moves_received)" -ge "$1" ]; }
wait_for() {  # wait_for SECONDS COMMAND...: until the command succeeds
  local seconds=$1; shift
  for _ in $(seq 1 $((seconds * 5))); do "$@" && return 0; sleep 0.2; done
  return 1
}

# --- notify test: the SMTP server reached over STARTTLS and the login taken
"$bascule" notify test >"$work/test.out" 2>&1 || fail "notify test: $(cat "$work/test.out")"
grep -q "took the login" "$work/test.out" || fail "notify test did not check the SMTP server: $(cat "$work/test.out")"
wait_for 20 mails_at_least manager@bascule.example 1 || fail "the test message did not reach the SMTP server"
check "bascule notify test: the SMTP server took the STARTTLS login; the message arrived"

# --- a newcomer follows a release, moves it; inbox, mailbox and receiver all hear of it
created=$("$bascule" webhook add e2e "http://127.0.0.1:$hook_port/hook" --secret-stdin <<<"$secret") || fail "webhook add"
hook_id=$(sed -n 's/^webhook e2e added: \(.*\)$/\1/p' <<<"$created")
[ -n "$hook_id" ] || fail "webhook add printed: $created"
key=$(api "$server/api/v1/releases?status=planned&environment=production&limit=50" | python3 -c '
import json,sys,datetime
items=[r for r in json.load(sys.stdin)["items"] if r.get("plannedStart")]
print(items[0]["key"])')
"$bascule" notify subscribe release "$key" --channel inbox --channel email >/dev/null || fail "notify subscribe"
window=$(python3 -c 'import datetime as d; s=d.datetime.now(d.timezone.utc).replace(microsecond=0)+d.timedelta(days=20); print(s.isoformat().replace("+00:00","Z"), (s+d.timedelta(hours=3)).isoformat().replace("+00:00","Z"))')
read -r start end <<<"$window"
revision=$(api "$server/api/v1/releases/$key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["revision"])')
api -X PATCH -H "If-Match: \"$revision\"" "$server/api/v1/releases/$key" -d "{\"plannedStart\":\"$start\",\"plannedEnd\":\"$end\"}" >/dev/null || fail "moving $key"
inbox_has_move() { api "$server/api/v1/notifications" | python3 -c "import json,sys; sys.exit(0 if any(i['kind']=='release.moved' and i.get('release')=='$key' for i in json.load(sys.stdin)['items']) else 1)"; }
wait_for 15 inbox_has_move || fail "the move is not in the inbox"
receiver_has() { grep -q "\"type\": \"$1\"" "$work/hooks/events.jsonl" 2>/dev/null; }
wait_for 15 receiver_has release.moved || fail "the receiver did not get release.moved: $(cat "$work/hooks/stats.json" 2>/dev/null)"
mail_has_move() { [ "$(mails_to manager@bascule.example)" -ge 2 ] && subject_of_last manager@bascule.example | grep -q "$key"; }
wait_for 20 mail_has_move || fail "no e-mail about $key"
[ "$(python3 -c 'import json; print(json.load(open("'"$work"'/hooks/stats.json"))["invalid"])')" = 0 ] || fail "a delivery's signature did not verify"
check "$key followed and moved: in the inbox, by e-mail (\"$(subject_of_last manager@bascule.example)\") and at the receiver, signature verified by the reference library"

# --- the pages in a browser
python3 "$here/notifications_browser_check.py" "$server" manager manager-bascule-demo "$key" ${SCREENSHOT:+--screenshot "$SCREENSHOT"} \
  || fail "the pages in Chromium"
check "Chromium: follow from the release page, the inbox and its badge, the webhooks log, the status page, in English and French"
# --- SMTP down: notify test says so, the message waits and goes once the server is back
kill -9 "$MAIL_PID"; wait "$MAIL_PID" 2>/dev/null || true
before=$(mails_to manager@bascule.example)
if "$bascule" notify test >"$work/test-down.out" 2>&1; then fail "notify test passed with the SMTP server down"; fi
[ "$(grep -c unreachable "$work/test-down.out")" = 1 ] || fail "notify test with the server down said: $(cat "$work/test-down.out")"
start_mail another-password
if "$bascule" notify test >"$work/test-login.out" 2>&1; then fail "notify test passed with the login refused"; fi
grep -q "refused the login of bascule" "$work/test-login.out" || fail "notify test with the login refused said: $(cat "$work/test-login.out")"
kill -9 "$MAIL_PID"; wait "$MAIL_PID" 2>/dev/null || true
start_mail
wait_for 60 mails_at_least manager@bascule.example $((before + 1)) || fail "the message waiting for the SMTP server never went"
check "SMTP down, then refusing the login: notify test failed in one line each ($(grep unreachable "$work/test-down.out" | cut -c1-80)…; $(grep refused "$work/test-login.out" | cut -c1-90)…); the messages went once the server was back"

# --- a receiver answering in 10 s does not slow the requests that make events
kill -9 "$RECEIVER_PID"; wait "$RECEIVER_PID" 2>/dev/null || true
start_receiver --delay 10
moves_before_slow=$(moves_received)
slowest=0
for i in 1 2 3 4 5; do
  revision=$(api "$server/api/v1/releases/$key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["revision"])')
  read -r start end <<<"$(python3 -c 'import datetime as d; s=d.datetime.now(d.timezone.utc).replace(microsecond=0)+d.timedelta(days=20+'"$i"'); print(s.isoformat().replace("+00:00","Z"), (s+d.timedelta(hours=3)).isoformat().replace("+00:00","Z"))')"
  took=$(api -o /dev/null -w '%{time_total}' -X PATCH -H "If-Match: \"$revision\"" "$server/api/v1/releases/$key" \
    -d "{\"plannedStart\":\"$start\",\"plannedEnd\":\"$end\"}") || fail "moving $key while the receiver is slow"
  slowest=$(python3 -c "print(max($slowest, $took))")
done
python3 -c "import sys; sys.exit(0 if $slowest < 1 else 1)" || fail "requests took up to $slowest s while the receiver was slow"
check "a receiver taking 10 s per delivery: requests still answered in at most ${slowest} s"
wait_for 20 moves_at_least $((moves_before_slow + 5)) || fail "the slow receiver did not get the 5 moves"
kill -9 "$RECEIVER_PID"; wait "$RECEIVER_PID" 2>/dev/null || true

# --- a receiver that never answers: 1,000 events made meanwhile, requests not slowed; the server
# killed with SIGKILL with the deliveries pending or in flight; after the restart all arrive, each once
start_receiver --hold
python3 - "$server" "$token" "$key" >"$work/burst.out" <<'PY' || fail "making 1,000 events: $(cat "$work/burst.out")"
import datetime as d, http.client, json, sys, time, urllib.parse
url = urllib.parse.urlparse(sys.argv[1]); token, key = sys.argv[2], sys.argv[3]
connection = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
start = d.datetime.now(d.timezone.utc).replace(microsecond=0) + d.timedelta(days=30)
slowest = 0.0
for i in range(1000):
    s = start + d.timedelta(minutes=i)
    body = json.dumps({"plannedStart": s.isoformat().replace("+00:00", "Z"), "plannedEnd": (s + d.timedelta(hours=3)).isoformat().replace("+00:00", "Z")})
    began = time.monotonic()
    connection.request("PATCH", f"/api/v1/releases/{key}", body, headers)
    answer = connection.getresponse(); answer.read()
    slowest = max(slowest, time.monotonic() - began)
    if answer.status != 200: sys.exit(f"PATCH {i}: {answer.status}")
print(f"{slowest:.3f}")
PY
slowest=$(cat "$work/burst.out")
python3 -c "import sys; sys.exit(0 if $slowest < 1 else 1)" || fail "a move took $slowest s while the receiver never answered"
before=$(moves_received)
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
kill -9 "$RECEIVER_PID"; wait "$RECEIVER_PID" 2>/dev/null || true
start_receiver --delay 0.01
start_demo_server "$bascule" "$work" || fail "the server did not start again"
pids+=("$SERVER_PID")
server=$SERVER_URL
# Counted by kind: the calendar watch may tell of a conflict the 1,000 moves made.
wait_for 120 moves_at_least $((before + 1000)) \
  || fail "after the restart only $(( $(moves_received) - before )) of 1,000 moves arrived: $(cat "$work/hooks/stats.json")"
sleep 2
got=$(( $(moves_received) - before ))
[ "$got" = 1000 ] || fail "the receiver saw $got distinct moves, not 1,000"
invalid=$(python3 -c 'import json; print(json.load(open("'"$work"'/hooks/stats.json"))["invalid"])')
[ "$invalid" = 0 ] || fail "$invalid deliveries failed verification"
check "a receiver that never answers: 1,000 moves each answered within ${slowest} s; the server killed with SIGKILL with them pending; after the restart each event arrived once, every signature valid"

# --- the public status page: the ERP cutover under way, the planned disruptions, the feeds
page=$(curl -fsS "$server/status") || fail "/status without signing in"
grep -q "Finance and accounting" <<<"$page" || fail "the status page does not name the finance service"
python3 - "$server" <<'PY' || fail "the status JSON"
import json, sys, urllib.request
board = json.load(urllib.request.urlopen(sys.argv[1] + "/status.json?lang=fr"))
assert any(d["state"] in ("inProgress", "verifying") and "expectedEnd" in d for d in board["current"]), board["current"]
assert board["upcoming"], "nothing planned"
assert board["language"] == "fr"
PY
curl -fsS "$server/status.atom" | python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())' || fail "the Atom feed is not XML"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$server/status?service=erp-app")" = 404 ] || fail "an unpublished service did not answer 404"
check "status page: the ERP cutover in progress with its expected end, planned disruptions, Atom and JSON; an unpublished service is 404"

echo "notifications e2e: all passed"
