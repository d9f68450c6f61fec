#!/usr/bin/env bash
# Agents: (1) a step becoming ready to its process starting on an idle connected agent (200
# steps in a chain, one agent: from the server's time of one step's end to the next one's
# start, then the agent's own spawn); (2) 1,000 no-op command steps in one run with AGENTS
# (default 10) agents, against the same 1,000 processes run directly, one after the other;
# (3) a step printing 50 MB: the server's peak memory and the log read back.
# Usage: Benchmarks/agents/run.sh [path/to/release/bascule]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/lib.sh"
release_binary "$root" "${1:-}"
agents=${AGENTS:-10}
work=$(mktemp -d /tmp/bascule-bench-agents.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 $p 2>/dev/null; done; rm -rf "$work"' EXIT
BASCULE_LOG_LEVEL=error start_demo_server "$bin" "$work"
pids+=("$SERVER_PID")
export BASCULE_SERVER=$SERVER_URL
token=$("$bin" token create --user demo-admin --name bench --expires 1d --data-dir "$work/bascule-data" 2>/dev/null)
export BASCULE_TOKEN=$token
echo "machine: $(nproc) cores; binary: $bin; SQLite"

start_agents() {  # start_agents COUNT PREFIX
  for i in $(seq 1 "$1"); do
    local t; t=$("$bin" agent-token create 2>/dev/null)
    "$bin" agent --name "$2-$i" --token "$t" --state-dir "$work/state" >"$work/$2-$i.log" 2>&1 &
    pids+=("$!")
  done
  for i in $(seq 1 "$1"); do for _ in $(seq 1 100); do grep -q connected "$work/$2-$i.log" && break; sleep 0.1; done; done
}
stop_agents() { for p in $(pgrep -f "bascule agent --name $1-"); do kill "$p"; done; sleep 1; }
prepare() {  # prepare TITLE YAMLFILE -> a release key with the runbook
  local key
  key=$("$bin" release create --title "$1" --release-version 1.0 --type patch | grep -o 'REL-[0-9]*')
  "$bin" runbook import "$key" "$2" >/dev/null
  echo "$key"
}
start_run() {  # start_run KEY -> run id
  "$bin" run start "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
release() { start_run "$(prepare "$1" "$2")"; }
wait_over() {  # wait_over RUN: read from the database, so that watching costs the server nothing
  python3 - "$work/bascule-data/bascule.sqlite" "$1" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
while db.execute("SELECT status FROM runs WHERE upper(id) = upper(?)", (sys.argv[2],)).fetchone()[0] == "running":
    time.sleep(0.1)
PY
}

# (1) Latency: a chain of 200 steps, one idle agent. Each step's command prints the clock when
# its process runs; the latency is that instant less the instant its predecessor's attempt
# ended on the server (the same transaction that made the step ready), read in milliseconds
# from the database.
python3 - "$work/chain.yaml" <<'PY'
import sys
steps = ["steps:"] + [f"  - {{key: s{i}, title: Step {i}, duration: 1m, kind: command, command: {{run: [date, '+%s%N']}}{', after: [s' + str(i-1) + ']' if i > 1 else ''}}}" for i in range(1, 201)]
open(sys.argv[1], "w").write("\n".join(steps) + "\n")
PY
start_agents 1 lat
run=$(release "Chain of 200" "$work/chain.yaml")
wait_over "$run"
python3 - "$work/bascule-data/bascule.sqlite" "$run" <<'PY'
import base64, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = db.execute("""SELECT s.step, s.ended_at, l.data FROM step_attempts s JOIN attempt_logs l ON l.attempt_id = s.id AND l.at_byte = 0
                     WHERE upper(s.run_id) = upper(?)""", (sys.argv[2],)).fetchall()
ended = {step: end for step, end, _ in rows}
ran = {step: int(base64.b64decode(data).split()[0]) / 1e6 for step, _, data in rows}
gaps = sorted(ran[f"s{i}"] - ended[f"s{i-1}"] for i in range(2, 201) if f"s{i}" in ran and f"s{i-1}" in ended)
p = lambda q: gaps[min(len(gaps) - 1, int(q * len(gaps)))]
print(f"ready to process running, {len(gaps)} steps: p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {gaps[-1]:.1f} ms")
PY
stop_agents lat

# (2) Throughput: 1,000 independent no-op steps, AGENTS agents, against the bare processes.
python3 - "$work/wide.yaml" <<'PY'
import sys
steps = ["steps:"] + [f"  - {{key: w{i}, title: Step {i}, duration: 1m, kind: command, command: {{run: [\"true\"]}}}}" for i in range(1, 1001)]
open(sys.argv[1], "w").write("\n".join(steps) + "\n")
PY
# Three goes, the bare processes and the run in turn; the median of each is reported.
start_agents "$agents" thr
directs=(); walls=()
for go in 1 2 3; do
  begin=$(date +%s.%N)
  for _ in $(seq 1 1000); do /bin/true; done
  directs+=("$(python3 -c "import time; print(time.time() - $begin)")")
  key=$(prepare "Wide of 1000, go $go" "$work/wide.yaml")
  begin=$(date +%s.%N)
  run=$(start_run "$key")
  wait_over "$run"
  walls+=("$(python3 -c "import time; print(time.time() - $begin)")")
done
python3 -c "
import statistics
directs, walls, agents = [$(IFS=,; echo "${directs[*]}")], [$(IFS=,; echo "${walls[*]}")], $agents
direct, wall = statistics.median(directs), statistics.median(walls)
print('1,000 no-op steps with', agents, 'agents, three goes: ' + ', '.join(f'{w:.1f} s' for w in walls) + '; the same processes directly: ' + ', '.join(f'{d:.2f} s' for d in directs))
print(f'median: {wall:.1f} s against {direct:.2f} s (ratio {wall / direct:.1f}x): overhead per step of the run {wall - direct:.2f} ms (wall less bare, over 1,000 steps); each go: ' + ', '.join(f'{w - d:.2f}' for w, d in zip(walls, directs)) + ' ms')"
stop_agents thr

# (3) A chatty step: 50 MB of output.
printf 'steps:\n  - {key: chatty, title: 50 MB, duration: 1m, kind: command, command: {script: "head -c 37500000 /dev/zero | base64 -w 100"}}\n' >"$work/chatty.yaml"
start_agents 1 chat
before=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
run=$(release "Chatty" "$work/chatty.yaml")
peak=0
while [ "$("$bin" run show "$run" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = running ]; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"); [ "$rss" -gt "$peak" ] && peak=$rss
  sleep 0.2
done
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
read_back=$("$bin" run logs "$run" chatty 2>/dev/null | wc -c)
"$bin" run logs "$run" chatty 2>&1 >/dev/null | grep -o "bytes cut" >/dev/null && cut=yes || cut=no
echo "50 MB step: server RSS $((before / 1024)) MiB before, $((peak / 1024)) MiB at most while it ran (high-water mark $((hwm / 1024)) MiB); read back $((read_back / 1024)) KiB (cut in the middle: $cut)"
