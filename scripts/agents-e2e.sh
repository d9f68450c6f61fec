#!/usr/bin/env bash
# Agents end to end: a real `bascule serve --demo`, real `bascule agent` processes running
# real commands. Checks: registration, automated steps running by themselves with their output,
# an HTTP check, a failing exit code, the agent killed with SIGKILL mid-step (lost within two
# heartbeats, retried as attempt 2, the old attempt's late result refused), the server killed
# with SIGKILL while a step prints (on restart: started once, every line once and in order, the
# exit status kept), a cancel that ends the step's process group, and SIGTERM letting the
# running step finish. Usage: scripts/agents-e2e.sh [path/to/bascule]
set -euo pipefail

bascule=$(realpath "${1:-.build/debug/bascule}")
work=$(mktemp -d /tmp/bascule-agents.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  pkill -f "$work/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source "$(dirname "$0")/lib.sh"
fail() { echo "agents e2e: FAILED: $*" >&2; [ -n "${SERVER_LOG:-}" ] && tail -20 "$SERVER_LOG" >&2; for f in "$work"/agent*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done; exit 1; }
check() { echo "agents e2e: ok - $*"; }

start_demo_server "$bascule" "$work" || fail "the server did not start"
pids+=("$SERVER_PID")
server=$SERVER_URL
port=${server##*:}
export BASCULE_SERVER=$server XDG_CONFIG_HOME="$work/config"
admin_password=$(sed -n 's/^Created the first user: admin, password \(.*\)$/\1/p' "$SERVER_LOG")
echo "$admin_password" | "$bascule" login --username admin --password-stdin >/dev/null || fail "login"
api_token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$XDG_CONFIG_HOME/bascule/credentials")
attempts_of() { curl -fsS -H "Authorization: Bearer $api_token" "$server/api/v1/runs/$1/attempts"; }

token=$("$bascule" agent-token create 2>/dev/null)
case $token in bar_*) ;; *) fail "agent-token create printed: $token" ;; esac

start_agent() {  # start_agent LOG [--token T]
  local log=$1; shift
  "$bascule" agent --name "e2e-1" --label os=linux --label role=db --state-dir "$work/state" --poll-wait 5 "$@" >"$work/$log" 2>&1 &
  AGENT_PID=$!
  pids+=("$AGENT_PID")
  for _ in $(seq 1 50); do grep -q "connected to" "$work/$log" && return 0; sleep 0.2; done
  fail "the agent did not connect"
}
start_agent agent-1.log --token "$token"
[ "$(stat -c %a "$work/state/e2e-1.credential")" = 600 ] || fail "the agent's credential is readable by others"
if "$bascule" agent --name e2e-2 --state-dir "$work/state2" --token "$token" >"$work/agent-reuse.log" 2>&1; then fail "a registration token was used twice"; fi
grep -q "401" "$work/agent-reuse.log" || fail "a reused token was not refused with 401: $(cat "$work/agent-reuse.log")"
"$bascule" agents list | grep -q "e2e-1 .*idle .*os=linux,role=db" || fail "agents list: $("$bascule" agents list)"
check "an agent registered once with its token (credential readable by its owner only); the token refused a second time"

# run_of KEY: the id of the release's latest run.
run_of() { "$bascule" run list "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }
# state RUN STEP: the step's state.
state() { "$bascule" run show "$1" --json | python3 -c "import json,sys; print({s['key']: s['state'] for s in json.load(sys.stdin)['steps']}['$2'])"; }
# wait_state RUN STEP STATE SECONDS
wait_state() {
  for _ in $(seq 1 $(($4 * 10))); do [ "$(state "$1" "$2")" = "$3" ] && return 0; sleep 0.1; done
  fail "$2 did not become $3 within $4 s (it is $(state "$1" "$2"))"
}
new_release() {  # new_release TITLE YAML -> key
  local key
  key=$("$bascule" release create --title "$1" --release-version 1.0 --type patch | grep -o 'REL-[0-9]*')
  printf '%s' "$2" >"$work/$key.yaml"
  "$bascule" runbook import "$key" "$work/$key.yaml" >/dev/null || fail "runbook import of $key"
  echo "$key"
}

printf %s 'pa55-word-e2e' | "$bascule" secret set erp-db >/dev/null || fail "secret set"
"$bascule" secret list | grep -q "^erp-db " || fail "secret list"
key=$(new_release "Automated steps" "steps:
  - key: backup
    title: Write a backup file
    duration: 1m
    kind: command
    runsOn: role=db
    command:
      script: 'echo dumping with \$PGPASSWORD; date > $work/backup.txt; echo written; echo a warning >&2'
      environment: {PGPASSWORD: '{{secret.erp-db}}'}
  - key: health
    title: Bascule answers
    duration: 1m
    after: [backup]
    kind: httpCheck
    runsOn: os=linux
    httpCheck: {url: '$server/health', bodyContains: '\"status\":\"ok\"', retries: 3, interval: 1s, deadline: 20s}
  - key: exit3
    title: A command that fails
    duration: 1m
    after: [health]
    kind: command
    command: {run: [/bin/sh, -c, 'echo about to fail; exit 3']}
")
"$bascule" run start "$key" >/dev/null
run=$(run_of "$key")
wait_state "$run" exit3 failed 20
[ -s "$work/backup.txt" ] || fail "the backup command did not write its file"
"$bascule" run logs "$run" backup 2>"$work/err" | grep -q "^written$" || fail "run logs: the backup's output"
grep -q "a warning" "$work/err" || fail "run logs: stderr not shown on stderr"
"$bascule" run logs "$run" backup 2>/dev/null | grep -q "^dumping with \[secret erp-db\]$" || fail "run logs: the secret was not hidden: $("$bascule" run logs "$run" backup 2>/dev/null | head -2)"
grep -rq "pa55-word-e2e" "$work/config" "$SERVER_LOG" "$work"/agent-1.log && fail "the secret's value is in a log"
"$bascule" run logs "$run" health | grep -q "try 1: GET $server/health → HTTP 200" || fail "run logs: the HTTP check's try"
"$bascule" run show "$run" | grep -q "exit code 3 (expected 0)" || fail "the failed step's exit code is not in the run log"
check "a rehearsal's automated steps ran by themselves: a command wrote its file with a secret hidden in its output, an HTTP check passed, exit code 3 failed the step; output read back"

# The agent killed mid-step: the step is lost within two heartbeats (2 s each).
marker="$work/long-once"
key=$(new_release "Agent killed" "steps:
  - key: long
    title: Long the first time
    duration: 1m
    kind: command
    command: {script: 'if [ -f $marker ]; then echo second; else touch $marker; echo first; sleep 60; fi'}
")
"$bascule" run start "$key" >/dev/null
run=$(run_of "$key")
wait_state "$run" long running 10
sleep 1
kill -9 "$AGENT_PID"
killed=$(date +%s.%N)
wait_state "$run" long lost 8
lost_after=$(python3 -c "import time; print(round(time.time() - $killed, 1))")
"$bascule" agents list | grep -q "e2e-1 .*lost" || fail "the killed agent is not shown lost"
check "the agent killed with SIGKILL mid-step: the step was lost ${lost_after} s later (two heartbeats: 4 s)"

credential=$(cat "$work/state/e2e-1.credential")
attempt1=$(attempts_of "$run" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
late=$(curl -s -o "$work/late.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $credential" -H 'Content-Type: application/json' \
  -d '{"outcome":"exited","exitCode":0,"logSize":6}' "$server/api/v1/agent/attempts/$attempt1/result")
[ "$late" = 409 ] || fail "the lost attempt's late result was answered $late: $(cat "$work/late.json")"
"$bascule" run step "$run" long retry --comment "agent restarted" >/dev/null || fail "retry of the lost step"
start_agent agent-2.log
wait_state "$run" long done 20
attempts=$(attempts_of "$run")
echo "$attempts" | python3 -c 'import json,sys; a=json.load(sys.stdin)["items"]; assert [(x["number"], x["state"]) for x in a] == [(2, "succeeded"), (1, "lost")], a' \
  || fail "the attempts after a retry: $attempts"
check "the lost attempt's late result was refused (409); the retry ran once as attempt 2"

# The server killed while a step prints: on restart nothing started twice, no line lost or doubled.
key=$(new_release "Server killed" "steps:
  - key: chatty
    title: Prints 60 numbered lines
    duration: 1m
    kind: command
    command: {script: 'for i in \$(seq 1 60); do echo line \$i; sleep 0.1; done'}
")
"$bascule" run start "$key" >/dev/null
run=$(run_of "$key")
wait_state "$run" chatty running 10
sleep 2
kill -9 "$SERVER_PID"
sleep 2
(cd "$work" && exec "$bascule" serve --port "$port" >"$work/serve-again.log" 2>&1) &
SERVER_PID=$!
pids+=("$SERVER_PID")
SERVER_LOG="$work/serve-again.log"
wait_healthy "$server" || fail "the server did not come back"
wait_state "$run" chatty done 30
"$bascule" run logs "$run" chatty >"$work/chatty.txt" 2>/dev/null
seq 1 60 | sed 's/^/line /' | diff - "$work/chatty.txt" >/dev/null || fail "the output after the server's crash differs: $(diff <(seq 1 60 | sed 's/^/line /') "$work/chatty.txt" | head -5)"
"$bascule" run list "$key" --json >/dev/null
attempts=$(attempts_of "$run")
echo "$attempts" | python3 -c 'import json,sys; a=json.load(sys.stdin)["items"]; assert len(a) == 1 and a[0]["state"] == "succeeded" and a[0]["exitCode"] == 0, a' \
  || fail "the attempts after the server's crash: $attempts"
check "the server killed with SIGKILL mid-step: on restart the step had one attempt, its 60 lines once each in order, exit code 0 kept"

# The pages in Chromium: the agents page, and a step's output growing on the run page.
python3 -c "import playwright" 2>/dev/null || python3 -m pip install -q playwright >&2
key=$(new_release "Followed live" "steps:
  - key: ticker
    title: Prints a line a second
    duration: 1m
    kind: command
    runsOn: role=db
    command: {script: 'for i in \$(seq 1 12); do echo tick \$i; sleep 1; done'}
")
"$bascule" run start "$key" >/dev/null
run=$(run_of "$key")
wait_state "$run" ticker running 10
sleep 1.5
python3 "$(dirname "$0")/agents_browser_check.py" "$server" admin "$admin_password" "$run" ticker ${AGENTS_SCREENSHOT:+--screenshot "$AGENTS_SCREENSHOT"} \
  || fail "the agents' pages in Chromium"
wait_state "$run" ticker done 20
check "Chromium: the agents page (a token shown once, in French too) and a step's output followed live on the run page"

# A cancel ends the whole process group; SIGTERM lets the running step finish.
key=$(new_release "Cancel and stop" "steps:
  - key: stuck
    title: Hangs with a child
    duration: 1m
    kind: command
    command: {script: 'sleep 300 & echo child \$!; wait'}
  - key: finishing
    title: Finishes while the agent stops
    duration: 1m
    after: [stuck]
    kind: command
    command: {script: 'sleep 3; echo finished'}
")
"$bascule" run start "$key" >/dev/null
run=$(run_of "$key")
wait_state "$run" stuck running 10
sleep 1
child=$("$bascule" run logs "$run" stuck 2>/dev/null | sed -n 's/^child //p')
[ -n "$child" ] && kill -0 "$child" 2>/dev/null || fail "the step's child process is not running"
"$bascule" run step "$run" stuck fail --comment "cancelled from e2e" >/dev/null
for _ in $(seq 1 80); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
kill -0 "$child" 2>/dev/null && fail "the cancelled step's child process still runs"
check "an operator's fail of a running step stopped its whole process group"
"$bascule" run step "$run" stuck skip --comment "on with the next" >/dev/null
wait_state "$run" finishing running 10
kill -TERM "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null || true
[ "$(state "$run" finishing)" = done ] || fail "SIGTERM did not let the running step finish: $(state "$run" finishing)"
grep -q "agent e2e-1 stopped" "$work/agent-2.log" || fail "the agent did not say it stopped"
check "SIGTERM: the agent finished its running step, then stopped"

# The interruption probe against a service that holds its requests for 300 ms.
probe_port=$(free_port)
python3 "$(dirname "$0")/../Benchmarks/probe/pausing_service.py" "$probe_port" "1:0.3" >"$work/pausing.log" 2>&1 &
probe_pid=$!
for _ in $(seq 1 50); do grep -q ready "$work/pausing.log" 2>/dev/null && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$probe_port/arm" >/dev/null
"$bascule" probe "http://127.0.0.1:$probe_port/" --rate 100 --for 3s --json >"$work/probe.json" || fail "bascule probe failed"
"$bascule" probe "http://127.0.0.1:$probe_port/" --rate 20 --for 1s --max-interruption 10s >/dev/null || fail "a steady service exceeded --max-interruption"
kill "$probe_pid" 2>/dev/null
if "$bascule" probe "http://127.0.0.1:$probe_port/" --rate 20 --for 1s --max-interruption 0.5s >/dev/null 2>&1; then fail "a service gone did not exceed --max-interruption"; fi
python3 - "$work/probe.json" <<'PY' || fail "the probe did not measure the pause: $(cat "$work/probe.json")"
import json, sys
r = json.load(open(sys.argv[1]))
gaps = [w["end"] - w["start"] for w in r["windows"]]
assert r["requests"] == 300 and r["failed"] == 0, r
assert len(gaps) == 1 and 0.25 <= gaps[0] <= 0.40, gaps
PY
check "bascule probe: a 300 ms pause of a real service measured as one window of 250 to 400 ms; --max-interruption exits 1 when a service is gone"

echo "agents e2e: all passed"
