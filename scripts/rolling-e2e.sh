#!/usr/bin/env bash
# Rolling updates end to end: a real `bascule serve --demo`, a real `bascule agent`, HAProxy in
# front of three instances of the project's own small service (scripts/rolling/shop_service.py)
# and a spare slot, and the agent's real prober. Checks: 1 → 1b with draining switched off
# (failed requests measured, an interruption above zero, kept as the step's downtime); 1b → 2
# with draining and a surge (every instance on 2, zero failed probe requests); 2 → 3 whose
# health check fails (rolled back to 2 by itself, the interruption recorded); 2 → 4, healthy but
# slow for users (rolled back on the probe's measure past the step's limit); an HAProxy socket
# that cannot be reached (the step fails before stopping anything); the run page followed live
# in Chromium and an operator's rollback by hand from it. Usage: scripts/rolling-e2e.sh [bascule]
set -euo pipefail

bascule=$(realpath "${1:-.build/debug/bascule}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/bascule-rolling.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  pkill -f "$work/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source "$here/lib.sh"
fail() {
  echo "rolling e2e: FAILED: $*" >&2
  [ -n "${SERVER_LOG:-}" ] && tail -20 "$SERVER_LOG" >&2
  [ -f "$work/agent.log" ] && { echo "--- agent" >&2; tail -30 "$work/agent.log" >&2; }
  [ -f "$work/web-agent.log" ] && { echo "--- web-agent" >&2; tail -10 "$work/web-agent.log" >&2; }
  [ -f "$work/haproxy.log" ] && { echo "--- haproxy" >&2; tail -10 "$work/haproxy.log" >&2; }
  exit 1
}
check() { echo "rolling e2e: ok - $*"; }

start_demo_server "$bascule" "$work" || fail "the server did not start"
pids+=("$SERVER_PID")
server=$SERVER_URL
export BASCULE_SERVER=$server XDG_CONFIG_HOME="$work/config"
admin_password=$(sed -n 's/^Created the first user: admin, password \(.*\)$/\1/p' "$SERVER_LOG")
echo "$admin_password" | "$bascule" login --username admin --password-stdin >/dev/null || fail "login"
api_token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$XDG_CONFIG_HOME/bascule/credentials")
api() { curl -fsS -H "Authorization: Bearer $api_token" -H "Content-Type: application/json" "$@"; }

token=$("$bascule" agent-token create 2>/dev/null)
"$bascule" agent --name lb-1 --label role=lb --state-dir "$work/state" --poll-wait 5 --token "$token" >"$work/agent.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 50); do grep -q "connected to" "$work/agent.log" && break; sleep 0.2; done
grep -q "connected to" "$work/agent.log" || fail "the agent did not connect"
# A second agent, "on web-3's host": web-3's commands are handed to it through the server.
token=$("$bascule" agent-token create 2>/dev/null)
"$bascule" agent --name web-agent --label role=web --state-dir "$work/state" --poll-wait 5 --token "$token" >"$work/web-agent.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 50); do grep -q "connected to" "$work/web-agent.log" && break; sleep 0.2; done
grep -q "connected to" "$work/web-agent.log" || fail "the second agent did not connect"

# Three instances of version 1 and HAProxy in front, checking them every 300 ms.
mkdir -p "$work/run"
ports=("$(free_port)" "$(free_port)" "$(free_port)" "$(free_port)")  # the fourth: a spare slot for the surge
lb_port=$(free_port)
start_instance() {  # start_instance NAME PORT VERSION
  setsid python3 "$here/rolling/shop_service.py" --port "$2" --version "$3" --unhealthy 3 --slow 4 --pidfile "$work/run/$1.pid" >"$work/run/$1.log" 2>&1 < /dev/null &
}
for i in 1 2 3; do start_instance "web-$i" "${ports[$((i - 1))]}" 1; done
cat >"$work/haproxy.cfg" <<CFG
global
  stats socket $work/haproxy.sock mode 600 level admin
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 10s
  http-reuse never
frontend shop
  bind 127.0.0.1:$lb_port
  default_backend shop
backend shop
  option httpchk GET /health
  default-server inter 300ms fall 2 rise 1
  server web-1 127.0.0.1:${ports[0]} check
  server web-2 127.0.0.1:${ports[1]} check
  server w3 127.0.0.1:${ports[2]} check
  server web-4 127.0.0.1:${ports[3]} check
CFG
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=("$!")
# Ready once HAProxy's checks have the spare slot down and the three instances up: ten good answers in a row.
good=0
for _ in $(seq 1 200); do
  if curl -fsS "http://127.0.0.1:$lb_port/" 2>/dev/null | grep -q "shop 1"; then good=$((good + 1)); else good=0; fi
  [ $good -ge 10 ] && break
  sleep 0.1
done
[ $good -ge 10 ] || fail "HAProxy does not answer with version 1"

# The runbook of one rolling update step to VERSION; DRAIN true or false; SOCKET the admin socket.
runbook() {  # runbook VERSION DRAIN SOCKET [MAX_INTERRUPTION]
  cat <<YAML
steps:
  - key: roll
    title: Roll the shop to $1
    duration: 2m
    kind: rollingUpdate
    runsOn: role=lb
    rollingUpdate:
      service: shop
      version: "$1"
      instances:
        - {name: web-1, address: "127.0.0.1:${ports[0]}"}
        - {name: web-2, address: "127.0.0.1:${ports[1]}"}
        - {name: web-3, address: "127.0.0.1:${ports[2]}", server: w3, runsOn: {labels: "role=web"}}
        - {name: web-4, address: "127.0.0.1:${ports[3]}", spare: true}
      stop: 'pid=\$(cat $work/run/\$BASCULE_INSTANCE.pid); kill \$pid; while kill -0 \$pid 2>/dev/null; do sleep 0.05; done'
      start: 'setsid python3 $here/rolling/shop_service.py --port \${BASCULE_ADDRESS##*:} --version {{version}} --unhealthy 3 --slow 4 --pidfile $work/run/{{instance}}.pid >>$work/run/{{instance}}.log 2>&1 </dev/null &'
      versionCommand: 'curl -fsS http://{{address}}/version'
      batchSize: 1
      surge: ${SURGE:-0}
      healthCheck: {url: "http://{{address}}/health", interval: 0.2}
      minHealthy: 1s
      instanceDeadline: 8s
      failureLimit: 0
${4:+      maxInterruption: $4
}      balancer: {haproxy: "$3", backend: shop, drain: $2, drainTimeout: 5s}
      probe: {url: "http://127.0.0.1:$lb_port/", rate: 20}
YAML
}
# roll VERSION DRAIN SOCKET: a release whose rehearsal rolls the shop; waits for the step to end.
roll() {
  local key run state
  key=$("$bascule" release create --title "Shop to $1" --release-version "$1" --type patch | grep -o 'REL-[0-9]*')
  runbook "$@" >"$work/$key.yaml"
  "$bascule" runbook import "$key" "$work/$key.yaml" >/dev/null || fail "runbook import of $key: $("$bascule" runbook import "$key" "$work/$key.yaml" 2>&1)"
  "$bascule" run start "$key" >/dev/null
  run=$("$bascule" run list "$key" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  for _ in $(seq 1 600); do
    state=$("$bascule" run show "$run" --json | python3 -c "import json,sys; print({s['key']: s['state'] for s in json.load(sys.stdin)['steps']}['roll'])")
    case $state in done|failed) break ;; esac
    sleep 0.1
  done
  RUN=$run KEY=$key STATE=$state
  api "$server/api/v1/runs/$run/rolling-updates" >"$work/report-$1.json"
}
figure() {  # figure VERSION EXPRESSION: a figure of the report, in Python over `r`
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['items'][0]; print($2)" "$work/report-$1.json"
}
versions() { for p in "${ports[@]:0:3}"; do curl -fsS "http://127.0.0.1:$p/version"; done | tr '\n' ' '; }

roll 1b false "$work/haproxy.sock"
[ "$STATE" = done ] || fail "the update to 1b ended $STATE"
[ "$(versions)" = "1b 1b 1b " ] || fail "instances on $(versions) after the update to 1b"
failed=$(figure 1b "r['probe']['figures']['failed']")
interruption=$(figure 1b "r['probe']['figures']['interruptionSeconds']")
python3 -c "import sys; sys.exit(0 if $interruption > 0 else 1)" \
  || fail "without draining the probe measured $failed failed requests and $interruption s of interruption"
measured=$("$bascule" run show "$RUN" --json | python3 -c "import json,sys; print([s.get('measuredDowntimeSeconds') for s in json.load(sys.stdin)['steps']][0])")
[ "$measured" != None ] || fail "the step's measured downtime is not kept"
check "1 → 1b without draining: $failed failed probe requests, ${interruption} s of interruption measured and kept as the step's downtime ($measured s)"

SURGE=1 roll 2 true "$work/haproxy.sock"
[ "$STATE" = done ] || fail "the update to 2 ended $STATE: $(cat "$work/report-2.json")"
[ "$(versions)" = "2 2 2 " ] || fail "instances on $(versions) after the update to 2"
[ "$(figure 2 "r['phase']")" = done ] || fail "the report's phase: $(figure 2 "r['phase']")"
failed=$(figure 2 "r['probe']['figures']['failed']")
requests=$(figure 2 "r['probe']['figures']['requests']")
[ "$failed" = 0 ] || fail "$failed of $requests probe requests failed with draining"
[ "$requests" -ge 40 ] || fail "the probe sent only $requests requests"
[ "$(figure 2 "len([b for b in r['batches'] if b['number'] > 0])")" = 3 ] || fail "not three batches: $(figure 2 "r['batches']")"
[ "$(figure 2 "[i['state'] for i in r['instances'] if i['name'] == 'web-4'][0]")" = skipped ] || fail "the surge slot: $(figure 2 "r['instances']")"
[ "$(figure 2 "len([b for b in r['batches'] if b['number'] == 0])")" = 1 ] || fail "no surge batch: $(figure 2 "r['batches']")"
curl -fsS "http://127.0.0.1:${ports[3]}/version" >/dev/null 2>&1 && fail "the surge slot still runs after the update"
"$bascule" run logs "$RUN" roll | grep -q "web-1: on 2, back in rotation" || fail "the step's log lacks the instance's move"
"$bascule" run logs "$RUN" roll | grep -q "web-3: start on agent web-agent: exit code 0" || fail "web-3's start did not run on its own agent"
grep -q "web-3 start for a rolling update" "$work/web-agent.log" || fail "the second agent does not say it ran web-3's start"
check "1b → 2 with draining and a surge slot: every instance on 2 (web-3's commands run by its own agent), $failed of $requests probe requests failed, three batches, the spare started first and stopped again"

roll 3 true "$work/haproxy.sock"
[ "$STATE" = failed ] || fail "the update to 3 ended $STATE"
[ "$(versions)" = "2 2 2 " ] || fail "instances on $(versions) after the failed update to 3"
[ "$(figure 3 "r['phase']")" = rolledBack ] || fail "the failed update's phase: $(figure 3 "r['phase']")"
figure 3 "r['reason']" | grep -q "web-1" || fail "the rollback's reason does not name web-1: $(figure 3 "r['reason']")"
interruption=$(figure 3 "r['probe']['figures']['interruptionSeconds']")
"$bascule" run show "$RUN" | grep -q "rolled back" || fail "the run log does not say the update was rolled back"
check "2 → 3 failing its health check: rolled back to 2 by itself ($(figure 3 "r['reason']")); interruption $interruption s recorded"

# Version 4 is healthy but answers users 1.5 s late: only the probe sees it. The step allows
# 0.5 s of interruption: rolled back to 2 by itself during its first batch.
roll 4 true "$work/haproxy.sock" 0.5
[ "$STATE" = failed ] || fail "the slow update to 4 ended $STATE"
[ "$(figure 4 "r['phase']")" = rolledBack ] || fail "the slow update's phase: $(figure 4 "r['phase']")"
figure 4 "r['reason']" | grep -q "measured interruption .* is over the step's limit of 0.50 s" || fail "the slow update's reason: $(figure 4 "r['reason']")"
[ "$(versions)" = "2 2 2 " ] || fail "instances on $(versions) after the slow update was rolled back"
check "2 → 4, healthy but slow for users: rolled back to 2 by itself on the probe's measure ($(figure 4 "r['reason']"))"

roll 9 true "$work/no-such.sock"
[ "$STATE" = failed ] || fail "the update with an unreachable socket ended $STATE"
figure 9 "r['reason']" | grep -q "nothing was stopped" || fail "the unreachable socket's reason: $(figure 9 "r['reason']")"
[ "$(versions)" = "2 2 2 " ] || fail "an instance moved although HAProxy could not be reached: $(versions)"
check "an unreachable HAProxy socket: the step failed before stopping anything ($(figure 9 "r['reason']"))"

# Bad input: a version command that prints nothing fails the step before anything is stopped.
key=$("$bascule" release create --title "Shop to 7" --release-version 7 --type patch | grep -o 'REL-[0-9]*')
runbook 7 true "$work/haproxy.sock" | sed "s|versionCommand: .*|versionCommand: 'true'|" >"$work/$key.yaml"
"$bascule" runbook import "$key" "$work/$key.yaml" >/dev/null || fail "runbook import of $key"
"$bascule" run start "$key" >/dev/null
run=$("$bascule" run list "$key" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
for _ in $(seq 1 200); do "$bascule" run show "$run" --json | grep -q '"state" *: *"failed"' && break; sleep 0.1; done
api "$server/api/v1/runs/$run/rolling-updates" >"$work/report-7.json"
figure 7 "r['reason']" | grep -q "the version command printed nothing for web-1; nothing was stopped" || fail "a silent version command: $(figure 7 "r['reason']")"
[ "$(versions)" = "2 2 2 " ] || fail "an instance moved although its version could not be read: $(versions)"
check "a version command that prints nothing: the step failed before stopping anything"

# Bad input: an instance whose agent is not registered is refused when the runbook is saved.
key=$("$bascule" release create --title "Shop to 6" --release-version 6 --type patch | grep -o 'REL-[0-9]*')
runbook 6 true "$work/haproxy.sock" | sed 's/runsOn: {labels: "role=web"}/runsOn: {agent: "web-9"}/' >"$work/$key.yaml"
if "$bascule" runbook import "$key" "$work/$key.yaml" 2>"$work/err"; then fail "a runbook naming an unknown instance agent was saved"; fi
grep -q "no agent named web-9 is registered" "$work/err" || fail "the refusal does not name the agent: $(cat "$work/err")"
check "an instance naming an agent that is not registered: the runbook is refused ($(head -1 "$work/err"))"

# By hand, in Chromium: a slow update (each batch healthy 8 s) followed live on its run page and
# rolled back there by the operator during its first batch.
key=$("$bascule" release create --title "Shop to 5" --release-version 5 --type patch | grep -o 'REL-[0-9]*')
runbook 5 true "$work/haproxy.sock" | sed 's/minHealthy: 1s/minHealthy: 8s/' >"$work/$key.yaml"
"$bascule" runbook import "$key" "$work/$key.yaml" >/dev/null
"$bascule" run start "$key" >/dev/null
run=$("$bascule" run list "$key" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
for _ in $(seq 1 100); do
  api "$server/api/v1/runs/$run/rolling-updates" 2>/dev/null | grep -q '"state":"healthy"' && break
  sleep 0.1
done
python3 "$here/rolling_browser_check.py" "$server" admin "$admin_password" "$run" ${ROLLING_SCREENSHOT:+--screenshot "$ROLLING_SCREENSHOT"} \
  || fail "the rolling update's page in Chromium"
for _ in $(seq 1 300); do "$bascule" run show "$run" --json | grep -q '"state" *: *"failed"' && break; sleep 0.1; done
api "$server/api/v1/runs/$run/rolling-updates" >"$work/report-5.json"
[ "$(figure 5 "r['phase']")" = rolledBack ] || fail "the update rolled back by hand is $(figure 5 "r['phase']")"
figure 5 "r['reason']" | grep -q "by hand by admin" || fail "the reason does not say who: $(figure 5 "r['reason']")"
[ "$(versions)" = "2 2 2 " ] || fail "instances on $(versions) after the rollback by hand"
check "followed live in Chromium and rolled back by hand from the run page: $(figure 5 "r['reason']")"
echo "rolling e2e: all passed"
