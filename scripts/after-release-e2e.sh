#!/usr/bin/env bash
# After the release, end to end on a real `bascule serve --demo` (with its year of history):
# an incident source sends an incident with its own token (a wrong token is 401 and stores
# nothing) and then its resolution; the CLI records, lists, imports (a bad CSV names its rows and
# imports nothing) and confirms; the weekly report in Markdown, CSV and HTML; the evidence pack
# of a deployed demo release verifies offline, and fails once a file inside is edited and saved
# again with compression, naming it; the pages in Chromium, English and French.
# Usage: scripts/after-release-e2e.sh [path/to/bascule]   (SCREENSHOT=FILE: the reports page)
set -euo pipefail

bascule=$(realpath "${1:-.build/debug/bascule}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/bascule-after.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
source "$here/lib.sh"
fail() { echo "after-release e2e: FAILED: $*" >&2; [ -n "${SERVER_LOG:-}" ] && tail -30 "$SERVER_LOG" >&2; exit 1; }
check() { echo "after-release e2e: ok - $*"; }
python3 -c 'import playwright' 2>/dev/null || python3 -m pip install -q playwright >&2

start_demo_server "$bascule" "$work" || fail "the server did not start"
pids+=("$SERVER_PID")
server=$SERVER_URL
export BASCULE_SERVER=$server XDG_CONFIG_HOME="$work/config"
echo "demo-admin-bascule-demo" | "$bascule" login --username demo-admin --password-stdin >/dev/null || fail "login"

# --- an incident source with its own token
source_line=$("$bascule" incident source add nagios) || fail "incident source add"
source_token=$(echo "$source_line" | sed -n 's/.*shown only now): \(bin_[A-Za-z0-9_-]*\).*/\1/p')
[ -n "$source_token" ] || fail "no token printed: $source_line"
grep -q "$source_token" "$SERVER_LOG" && fail "the source token is in the server's log"
opened=$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)
body='{"reference":"NAG-1","title":"Checkout errors","severity":2,"openedAt":"'"$opened"'","items":["shop-front"]}'
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$server/api/v1/inbound/incidents" -H "Authorization: Bearer bin_wrong" -H 'Content-Type: application/json' -d "$body")
[ "$status" = 401 ] || fail "a wrong source token answered $status"
"$bascule" incident show NAG-1 >/dev/null 2>&1 && fail "an incident was stored with a wrong token"
check "a wrong source token is 401 and stores nothing"
status=$(curl -s -o "$work/inbound.json" -w '%{http_code}' -X POST "$server/api/v1/inbound/incidents" -H "Authorization: Bearer $source_token" -H 'Content-Type: application/json' -d "$body")
[ "$status" = 201 ] || fail "the source's incident answered $status: $(cat "$work/inbound.json")"
resolved=$(date -u +%Y-%m-%dT%H:%M:%SZ)
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$server/api/v1/inbound/incidents" -H "Authorization: Bearer $source_token" -H 'Content-Type: application/json' \
  -d '{"reference":"NAG-1","title":"Checkout errors","severity":2,"openedAt":"'"$opened"'","resolvedAt":"'"$resolved"'","items":["shop-front"]}')
[ "$status" = 200 ] || fail "the resolution answered $status"
"$bascule" incident show NAG-1 | grep -q "resolved" || fail "the incident is not resolved"
check "a source sends an incident, then its resolution, under the same reference"

# --- the CLI
"$bascule" incident add CLI-1 "Payslips not generated" --severity 1 --item payroll-batch --opened "$opened" >"$work/add.txt" || fail "incident add"
"$bascule" incident list --open | grep -q "CLI-1" || fail "incident list does not show CLI-1"
printf 'reference,title,severity,opened,resolved,items\nCSV-1,Slow search,3,%s,,search\nCSV-2,Broken,9,%s,,search\nCSV-3,Ghost,2,%s,,no-such-item\n' "$opened" "$opened" "$opened" >"$work/bad.csv"
if "$bascule" incident import "$work/bad.csv" 2>"$work/import.err"; then fail "a CSV with bad rows was accepted"; fi
grep -q "line 3" "$work/import.err" && grep -q "no-such-item" "$work/import.err" || fail "the refusal does not name the rows: $(cat "$work/import.err")"
"$bascule" incident show CSV-1 >/dev/null 2>&1 && fail "a good row was imported from a refused file"
"$bascule" incident import "$work/bad.csv" --partial | grep -q "1 imported" || fail "the partial import"
check "a bad CSV names its rows and imports nothing; --partial imports the good ones"

# --- reports
"$bascule" report weekly --format md >"$work/weekly.md" || fail "report weekly --format md"
grep -q "^## Indicators" "$work/weekly.md" || fail "the Markdown report has no indicators"
"$bascule" report monthly --format csv --lang fr -o "$work/monthly.csv" >/dev/null || fail "report monthly --format csv"
head -1 "$work/monthly.csv" | grep -q "^section,key,name,value" || fail "the CSV report's header"
grep -q "^indicator,changeFailureRate," "$work/monthly.csv" || fail "the CSV report lacks the change failure rate"
"$bascule" report weekly --format html --lang fr >"$work/weekly.html" || fail "report weekly --format html"
grep -q "<svg" "$work/weekly.html" && grep -q "Indicateurs" "$work/weekly.html" || fail "the HTML report has no chart or is not in French"
if "$bascule" report yearly 2>"$work/yearly.err"; then fail "a yearly report was accepted"; fi
check "the weekly report in Markdown and HTML, the monthly in CSV; a yearly one is refused"

# --- the evidence pack of a deployed demo release
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$XDG_CONFIG_HOME/bascule/credentials")
release=$(curl -fsS -H "Authorization: Bearer $token" "$server/api/v1/releases?q=Payments%20API%202.8&limit=5" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["key"])')
"$bascule" evidence pack "$release" -o "$work/pack.zip" >"$work/pack.txt" || fail "evidence pack"
digest=$(sed -n 's/.*manifest SHA-256 \([0-9a-f]\{64\}\).*/\1/p' "$work/pack.txt")
[ -n "$digest" ] || fail "no manifest digest printed: $(cat "$work/pack.txt")"
"$bascule" evidence verify "$work/pack.zip" --expect "$digest" | grep -q "intact" || fail "the pack does not verify"
(cd "$work" && mkdir unzipped && cd unzipped && python3 -m zipfile -e ../pack.zip . && sha256sum -c --quiet MANIFEST.sha256) || fail "sha256sum -c does not accept the manifest"
python3 - "$work/pack.zip" "$work/edited.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as source, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as target:
    for info in source.infolist():
        data = source.read(info.filename)
        if info.filename == "approvals.json":
            data = data.replace(b"approved", b"approvedX", 1) if b"approved" in data else data + b" "
        target.writestr(info.filename, data)
PY
if "$bascule" evidence verify "$work/edited.zip" 2>"$work/verify.err"; then fail "an edited pack verified"; fi
grep -q "approvals.json was changed" "$work/verify.err" || fail "verify does not name the edited file: $(cat "$work/verify.err")"
check "the evidence pack of $release verifies (and with sha256sum -c), and an edited file is named"

# --- the pages
python3 "$here/after_release_browser_check.py" "$server" manager manager-bascule-demo ${SCREENSHOT:+--screenshot "$SCREENSHOT"} || fail "the pages in a browser"
check "the pages in Chromium, English and French"
echo "after-release e2e: all passed"
