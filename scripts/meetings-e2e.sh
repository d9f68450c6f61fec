#!/usr/bin/env bash
# Meetings end to end on a real `bascule serve --demo`: the CLI lists the demo's CAB meetings,
# shows last week's (closed, its decisions and an overdue action) and the next one's agenda of
# releases awaiting approval; a stranger's decision is 403; `action list --mine --overdue`; then
# in Chromium the approver opens the next CAB from the meetings page, sees the agenda with risks,
# approves a release from it, and the approval shows on the release; the pages in French.
# Usage: scripts/meetings-e2e.sh [path/to/bascule]   (SCREENSHOT=FILE: the next CAB meeting)
set -euo pipefail

bascule=$(realpath "${1:-.build/debug/bascule}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/bascule-meetings.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
source "$here/lib.sh"
fail() { echo "meetings e2e: FAILED: $*" >&2; [ -n "${SERVER_LOG:-}" ] && tail -30 "$SERVER_LOG" >&2; exit 1; }
check() { echo "meetings e2e: ok - $*"; }
python3 -c 'import playwright' 2>/dev/null || python3 -m pip install -q playwright >&2

start_demo_server "$bascule" "$work" || fail "the server did not start"
pids+=("$SERVER_PID")
server=$SERVER_URL
export BASCULE_SERVER=$server XDG_CONFIG_HOME="$work/config"
echo "manager-bascule-demo" | "$bascule" login --username manager --password-stdin >/dev/null || fail "login"

# --- the CLI
"$bascule" meeting list --kind cab >"$work/list.txt" || fail "meeting list"
closed=$(awk '$4 == "closed" { print $1; exit }' "$work/list.txt")
next=$(awk '$4 == "open" { print $1; exit }' "$work/list.txt")
[ -n "$closed" ] && [ -n "$next" ] || fail "no closed and open CAB in: $(cat "$work/list.txt")"
"$bascule" meeting show "$closed" >"$work/closed.txt" || fail "meeting show $closed"
grep -q "decided: .* approve by approver" "$work/closed.txt" || fail "last week's decisions are missing: $(cat "$work/closed.txt")"
grep -q "OVERDUE" "$work/closed.txt" || fail "last week's overdue action is missing"
"$bascule" meeting show "$next" >"$work/next.txt" || fail "meeting show $next"
release=$(awk '/^REL-/ { print $1; exit }' "$work/next.txt")
[ -n "$release" ] || fail "the next CAB's agenda is empty: $(cat "$work/next.txt")"
check "the CLI shows last week's CAB (decisions, an overdue action) and the next one's agenda ($release)"
if "$bascule" meeting decide "$next" "$release" approve 2>"$work/decide.err"; then fail "the release manager decided as an approver"; fi
grep -q "approvalDecide\|approver" "$work/decide.err" || fail "the refusal does not say why: $(cat "$work/decide.err")"
if "$bascule" meeting close "$next" 2>"$work/close.err"; then fail "a meeting closed with no action and no statement"; fi
grep -q "no action item" "$work/close.err" || fail "the refusal to close does not say why: $(cat "$work/close.err")"
check "a decision by someone who is not an approver and closing with no action are refused, saying why"
echo "operator-bascule-demo" | "$bascule" login --username operator --password-stdin >/dev/null || fail "login as operator"
"$bascule" action list --mine --overdue | grep -q "OVERDUE" || fail "the operator's overdue action is not listed"
check "action list --mine --overdue lists the operator's overdue action"

# --- in Chromium
python3 "$here/meetings_browser_check.py" "$server" approver approver-bascule-demo "$next" "$release" ${SCREENSHOT:+--screenshot "$SCREENSHOT"} \
  || fail "the pages in a browser"
echo "manager-bascule-demo" | "$bascule" login --username manager --password-stdin >/dev/null || fail "login"
"$bascule" meeting show "$next" | grep -q "decided: $release approve by approver" || fail "the decision is not in the meeting's record"

# --- reviews: the demo's published one reads with its facts; a feedback link works without an
# account until the review is published, then answers 410
token=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"username":"manager","password":"manager-bascule-demo"}' "$server/api/v1/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
api() { curl -sS -H "Authorization: Bearer $token" "$@"; }
rolled=$(api "$server/api/v1/releases?status=rolledBack&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["key"])')
api "$server/api/v1/releases/$rolled/review" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["status"] == "draft" and d["outcome"] == "rolledBack", d' \
  || fail "the rolled-back release's review is not a draft"
path=$(api -X POST "$server/api/v1/releases/$rolled/review/feedback-link" | python3 -c 'import json,sys; print(json.load(sys.stdin)["path"])')
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$server$path" -d 'name=Support&rating=2&comment=Refunds+stopped')
[ "$status" = 200 ] || fail "the feedback link answered $status"
status=$(api -o /dev/null -w '%{http_code}' -X POST "$server/api/v1/releases/$rolled/review/publish")
[ "$status" = 422 ] || fail "a review with no closure code was published ($status)"
body='{"objectives":[],"lessons":"Rehearse hotfixes too.","documentation":[],"closure":"unsuccessful"}'
api -o /dev/null -X PUT -H 'Content-Type: application/json' -d "$body" "$server/api/v1/releases/$rolled/review"
status=$(api -o /dev/null -w '%{http_code}' -X POST "$server/api/v1/releases/$rolled/review/publish")
[ "$status" = 200 ] || fail "the review was not published ($status)"
status=$(curl -s -o /dev/null -w '%{http_code}' "$server$path")
[ "$status" = 410 ] || fail "the feedback link answered $status once the review was published"
api "$server/api/v1/releases/$rolled/review" | grep -q '"Support"' || fail "the end user's feedback is not in the review"
check "reviews: an end user's feedback through the link, publishing refused without a closure code, then locked; the link is 410 after"
check "the approver approved $release from the meeting in Chromium; the meeting's record names them"
echo "meetings e2e: all passed"
