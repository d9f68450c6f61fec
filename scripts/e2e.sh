#!/usr/bin/env bash
# End to end: a real `bascule serve --demo` in a temp dir, the CLI as a client of it, and the
# releases page loaded in headless Chromium. Usage: scripts/e2e.sh [path/to/bascule]
# With BASCULE_TEST_POSTGRES_URL set, also starts the server on PostgreSQL and checks it.
set -euo pipefail

bascule=$(realpath "${1:-.build/debug/bascule}")
root=$(cd "$(dirname "$0")/.." && pwd)
python3 -c "import playwright" 2>/dev/null || python3 -m pip install -q playwright >&2
python3 -c "import icalendar" 2>/dev/null || python3 -m pip install -q icalendar >&2
work=$(mktemp -d /tmp/bascule-e2e.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

source "$(dirname "$0")/lib.sh"
fail() { echo "e2e: FAILED: $*" >&2; [ -n "${SERVER_LOG:-}" ] && tail -20 "$SERVER_LOG" >&2; exit 1; }
passed=0
check() { passed=$((passed + 1)); echo "e2e: ok - $*"; }

start_demo_server "$bascule" "$work" || fail "the server did not start"
pids+=("$SERVER_PID")
server=$SERVER_URL
export BASCULE_SERVER=$server
grep -q "Demo: added 4 environments and 26 sample releases, and a year of history" "$SERVER_LOG" || fail "the demo was not announced"
[ -f "$work/bascule-data/bascule.sqlite" ] || fail "no ./bascule-data/bascule.sqlite was created"
admin_password=$(sed -n 's/^Created the first user: admin, password \(.*\)$/\1/p' "$SERVER_LOG")
[ -n "$admin_password" ] || fail "the first admin's password was not printed"
check "serve --demo created ./bascule-data/bascule.sqlite, the first admin and the portfolio"

export XDG_CONFIG_HOME="$work/config"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$server/api/v1/releases")" = 401 ] || fail "the API answered without credentials"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$server/health")" = 200 ] || fail "/health needs no credentials"
if "$bascule" release list 2>"$work/err"; then fail "the CLI worked without signing in"; fi
grep -q "401" "$work/err" || fail "the CLI did not say it needs to sign in: $(cat "$work/err")"
if echo "not the password at all" | "$bascule" login --username admin --password-stdin 2>"$work/err"; then fail "a wrong password signed in"; fi
echo "$admin_password" | "$bascule" login --username admin --password-stdin | grep -q "signed in to $server as admin" || fail "bascule login"
[ "$(stat -c %a "$XDG_CONFIG_HOME/bascule/credentials")" = 600 ] || fail "the credentials file is readable by others"
check "without credentials only /health answers; bascule login saves a token readable by its owner only"

"$bascule" version | grep -q "^bascule " || fail "bascule version"
"$bascule" environment list | grep -q "production" || fail "environment list"
"$bascule" release list | grep -q "REL-12" || fail "release list shows the demo"
check "version, environment list and release list answer"

created=$("$bascule" release create --title "E2E cutover of the billing engine" --release-version 9.9.0 --type minor \
  --start 2027-03-09T22:00 --end 2027-03-10T01:00 --environment production --owner "CI" --tag billing)
# The demo's year of history takes keys too: the new release's key is read from the answer.
rel=$(echo "$created" | sed -n 's/^created \(REL-[0-9]*\) (draft)$/\1/p')
[ -n "$rel" ] || fail "release create said: $created"
"$bascule" release transition $rel planned | grep -q "$rel is now planned" || fail "transition to planned"
"$bascule" release show $rel --json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["status"]=="planned" and r["plannedStart"]=="2027-03-09T21:00:00Z", r' \
  || fail "show --json does not give the planned release in UTC"
check "the CLI created $rel and moved it to planned"

"$bascule" policy check "$root/docs/examples/policy.yaml" | grep -q "valid, 11 rule(s)" || fail "the example policy does not check"
printf 'rules:\n  - id: no-friday\n    kind: allowedDays\n    environment: production\n    days: [mon, fridey]\n' >"$work/bad-policy.yaml"
if "$bascule" policy check "$work/bad-policy.yaml" 2>"$work/err"; then fail "a broken policy checked"; fi
grep -q "bad-policy.yaml:5: rules\[0\].days\[1\]: unknown value 'fridey'" "$work/err" || fail "the broken policy was not explained: $(cat "$work/err")"
if "$bascule" release check REL-13 --to approved >"$work/out"; then fail "the Friday release passed its gate"; fi
grep -q "✗ no-friday .*Friday" "$work/out" || fail "the Friday refusal was not explained: $(cat "$work/out")"
if "$bascule" release transition $rel approved 2>"$work/err"; then fail "$rel was approved without approvals"; fi
grep -q "422 .*policy.cab" "$work/err" || fail "the missing approval was not named: $(cat "$work/err")"
check "policy check names the line of an error; the demo's Friday release and an unapproved one are refused with their reasons"

"$bascule" test import $rel "$root/Tests/BasculeCoreTests/JUnitReports/pytest-junitxml.xml" --kind regression \
  | grep -q "2 passed, 2 failed, 1 skipped" || fail "the pytest report was not imported"
head -c 300 "$root/Tests/BasculeCoreTests/JUnitReports/pytest-junitxml.xml" >"$work/cut.xml"
if "$bascule" test import $rel "$work/cut.xml" --kind regression 2>"$work/err"; then fail "a truncated report was imported"; fi
grep -q "422 " "$work/err" || fail "the truncated report was not refused: $(cat "$work/err")"
check "test import reads a real pytest report and refuses a truncated one"

admin_token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$XDG_CONFIG_HOME/bascule/credentials")
curl -fsS -X PUT -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
  -d '{"content":"1. Restore the dump.\n2. Redeploy 9.8."}' "$server/api/v1/releases/$rel/documents/rollbackPlan" >/dev/null || fail "rollback plan"
"$bascule" approval request $rel | grep -q "awaiting approval" || fail "approval request"
approver_token=$("$bascule" token create --user approver --name e2e --expires 1d --data-dir "$work/bascule-data" 2>/dev/null)
"$bascule" approval inbox --token "$approver_token" | grep -q "$rel" || fail "the approver's inbox does not list $rel"
"$bascule" approval approve $rel --token "$approver_token" --comment "Rollback plan read" | grep -q "$rel: approved" || fail "approval"
if "$bascule" approval approve $rel --token "$approver_token" 2>"$work/err"; then fail "approved twice"; fi
grep -q "409 .*already decided" "$work/err" || fail "approving twice was not refused: $(cat "$work/err")"
check "approval requested, found in the approver's inbox, given once (twice is 409)"

if "$bascule" release transition $rel deployed 2>"$work/err"; then fail "a forbidden transition succeeded"; fi
grep -q "409 .*allowed: draft, approved, cancelled" "$work/err" || fail "the forbidden transition was not explained: $(cat "$work/err")"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "the refusal is not one line: $(cat "$work/err")"
if "$bascule" release create --title "" --release-version 1 2>"$work/err"; then fail "an empty title was accepted"; fi
grep -q "title" "$work/err" || fail "the empty title was not named: $(cat "$work/err")"
if "$bascule" release list --server "http://127.0.0.1:1" 2>"$work/err"; then fail "an unreachable server succeeded"; fi
grep -q "cannot reach" "$work/err" || fail "the unreachable server was not explained"
check "refusals exit non-zero with a one-line reason"

token=$("$bascule" token create --user viewer --name e2e --expires 1d --data-dir "$work/bascule-data" 2>/dev/null)
if "$bascule" release create --token "$token" --title "Not mine" --release-version 1 2>"$work/err"; then fail "a viewer created a release"; fi
grep -q "^Error: 403" "$work/err" || fail "the viewer's refusal was not a 403: $(cat "$work/err")"
check "a local token for the viewer reads but may not write (403)"

"$bascule" audit verify --data-dir "$work/bascule-data" | grep -q "audit trail intact" || fail "the audit trail does not verify"
curl -fsS -H "Authorization: Bearer $token" "$server/api/v1/releases/$rel" >/dev/null || fail "the viewer's token does not read"
curl -s -H "Authorization: Bearer $token" "$server/api/v1/audit?target=$rel" | grep -q '"status":403' || fail "the viewer read the audit trail"
"$bascule" release show $rel --json >/dev/null
curl -fsS -H "Authorization: Bearer $admin_token" "$server/api/v1/audit?target=$rel" | grep -q '"release.transition"' || fail "the transition was not audited"
curl -fsS -H "Authorization: Bearer $admin_token" "$server/api/v1/audit?actor=viewer" | grep -q '"permission.denied"' || fail "the refusal was not audited"
check "every write and every refusal is in the audit trail, and the chain verifies"

# The inventory and the calendar: export and import back through the CLI, a refused file,
# the demo's conflicts and suggested windows, and the iCalendar feed read by Python's icalendar.
"$bascule" inventory export --format csv > "$work/inventory.csv" || fail "inventory export"
[ "$(wc -l < "$work/inventory.csv")" -ge 30 ] || fail "the demo inventory exported fewer than 30 items"
"$bascule" inventory import "$work/inventory.csv" | grep -q "created 0, updated 0, unchanged 39, rejected 0" || fail "re-importing the export changed something"
printf 'key,name,type,dependsOn\nnew-app,New app,application,payroll-db\nbroken,Broken,application,nowhere\n' > "$work/bad.csv"
if "$bascule" inventory import "$work/bad.csv" 2>"$work/err"; then fail "a file with an unknown dependency imported"; fi
grep -q "line 3" "$work/err" || fail "the refused row's line was not named: $(cat "$work/err")"
curl -fsS -H "Authorization: Bearer $admin_token" "$server/api/v1/cis/new-app" -o /dev/null -w '%{http_code}' 2>/dev/null | grep -q 200 && fail "a refused file imported a row"
"$bascule" inventory impact payroll-db | grep -q "svc-payroll" || fail "the impact of payroll-db does not reach the payroll service"
check "inventory: export, import back unchanged, a refused file imports nothing and names its line, impact"
if "$bascule" release conflicts REL-17 >"$work/out"; then fail "REL-17 shows no conflict"; fi
grep -q "dependentItem" "$work/out" && grep -q "teamBooked" "$work/out" || fail "REL-17's conflicts: $(cat "$work/out")"
"$bascule" release conflicts REL-16 | grep -q "no conflict" || fail "REL-16 has conflicts"
"$bascule" release slots REL-17 --within 60d --limit 3 | grep -c "→" | grep -q 3 || fail "no suggested windows for REL-17"
feed=$(curl -fsS -X POST -H "Authorization: Bearer $admin_token" "$server/api/v1/calendar/feed-token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["path"])')
curl -fsS "$server$feed" -o "$work/feed.ics" || fail "the calendar feed did not answer its token"
python3 "$root/scripts/check_ics.py" "$work/feed.ics" REL-17 REL-18 REL-5 || fail "the feed does not load in icalendar as expected"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$server/calendar.ics?token=bcal_forged")" = 401 ] || fail "a forged feed token was served"
check "calendar: conflicts explained, windows suggested, the .ics feed loads in Python's icalendar"

# Runbooks and runs: the demo's live run moves when a step is completed from the CLI, watchers
# of its event stream receive the action, a step completed twice is refused, and a runbook with
# a cycle imports nothing.
live=$("$bascule" run list REL-19 --json | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["kind"] == "live"][0])')
"$bascule" run show "$live" | grep -q "C05   running" || fail "the demo's live run is not at C05"
"$bascule" run show "$live" | grep -Eq "^pace: [0-9]+ % slower than rehearsals .*prior: 3 cutovers of the application" || fail "run show does not give the run's pace and its prior"
curl -sN --max-time 5 -H "Authorization: Bearer $admin_token" "$server/api/v1/runs/$live/events" > "$work/events.txt" &
sleep 1
"$bascule" run step "$live" C05 complete | grep -q "expected end" || fail "completing C05 from the CLI"
sleep 1
grep -q '"step":"C05"' "$work/events.txt" || fail "the event stream did not announce C05: $(head -c 300 "$work/events.txt")"
if "$bascule" run step "$live" C05 complete 2>"$work/err"; then fail "C05 was completed twice"; fi
grep -q "already done" "$work/err" || fail "completing twice said: $(cat "$work/err")"
"$bascule" runbook export REL-19 > "$work/runbook.yaml"
grep -c "key:" "$work/runbook.yaml" | grep -q 44 || fail "the exported runbook does not hold 44 steps"
printf 'steps:\n  - {key: a, title: A, duration: 5m, after: [b]}\n  - {key: b, title: B, duration: 5m, after: [a]}\n' > "$work/cycle.yaml"
if "$bascule" runbook import $rel "$work/cycle.yaml" 2>"$work/err"; then fail "a runbook with a cycle imported"; fi
grep -q "a → b → a form a cycle" "$work/err" || fail "the cycle was not named: $(cat "$work/err")"
check "runs: the live run moves from the CLI, its watchers hear it, twice is 409, a cycle is named and refused"

python3 "$(dirname "$0")/browser_check.py" "$server" manager manager-bascule-demo $rel "E2E cutover of the billing engine" \
  || fail "the pages in Chromium"
check "Chromium: signed in, read the pages, approved through a form, the calendar, the impact graph, a live run moving by itself, in English and French"

python3 "$(dirname "$0")/page_walk.py" "$server" manager manager-bascule-demo "$root/Sources/BasculeServer/Resources/locales" --limit 1000 \
  || fail "the walk of every page in English and French"
check "Chromium: every page of the demo in English and French, at 1024 px and 390 px: no console error, nothing wider than the window, no English word or raw value on a French page"

if [ -n "${BASCULE_TEST_POSTGRES_URL:-}" ]; then
  db="bascule_e2e_$$"
  psql "$BASCULE_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
  pg_url="${BASCULE_TEST_POSTGRES_URL%/*}/$db"
  BASCULE_DATABASE_URL="$pg_url" start_demo_server "$bascule" "$work" || fail "the server did not start on PostgreSQL"
  pids+=("$SERVER_PID")
  curl -fsS "$SERVER_URL/api/v1/health" | grep -q '"postgresql"' || fail "the server does not run on PostgreSQL"
  pg_password=$(sed -n 's/^Created the first user: admin, password \(.*\)$/\1/p' "$SERVER_LOG")
  echo "$pg_password" | "$bascule" login --server "$SERVER_URL" --username admin --password-stdin >/dev/null || fail "login on PostgreSQL"
  "$bascule" release list --server "$SERVER_URL" | grep -q "REL-12" || fail "the demo on PostgreSQL"
  check "serve --demo on PostgreSQL (BASCULE_DATABASE_URL)"
fi

echo "e2e: $passed passed, 0 failed"
