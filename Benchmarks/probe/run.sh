#!/usr/bin/env bash
# The interruption probe (issue 16): (1) 200 requests a second for 10 s against a service that
# never pauses: every request recorded, none late, no window; (2) the same against a service
# that pauses 100 ms and 300 ms at known times: each pause measured, and its error.
# Usage: Benchmarks/probe/run.sh [path/to/release/bascule]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/scripts/lib.sh"
release_binary "$root" "${1:-}"
work=$(mktemp -d /tmp/bascule-bench-probe.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; rm -rf "$work"' EXIT
echo "machine: $(nproc) cores; binary: $bin"

serve() {  # serve PLAN -> sets URL
  local port; port=$(free_port)
  python3 "$root/Benchmarks/probe/pausing_service.py" "$port" "$1" >"$work/service-$port.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 50); do grep -q ready "$work/service-$port.log" 2>/dev/null && break; sleep 0.1; done
  URL="http://127.0.0.1:$port"
}

serve ""
"$bin" probe "$URL/" --rate 200 --for 10s --json >"$work/steady.json"
python3 - "$work/steady.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"steady service, 200/s for 10 s: {r['requests']} requests recorded of 2000, {r['failed']} failed, "
      f"sent at most {r['maxLatenessSeconds'] * 1000:.1f} ms late, {len(r['windows'])} window(s), longest gap {r['longestGapSeconds'] * 1000:.0f} ms")
PY

serve "2:0.1,5:0.3"
curl -fsS "$URL/arm" >/dev/null
"$bin" probe "$URL/" --rate 200 --for 8s --json >"$work/paused.json"
python3 - "$work/paused.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
gaps = sorted(w["end"] - w["start"] for w in r["windows"])
known = [0.1, 0.3]
print(f"pauses of 100 and 300 ms, 200/s: {r['requests']} requests, windows measured " + ", ".join(f"{g * 1000:.0f} ms" for g in gaps))
if len(gaps) == 2:
    print("errors: " + ", ".join(f"{(g - k) * 1000:+.0f} ms" for g, k in zip(gaps, known)) + " (goal: within 50 ms)")
else:
    print(f"expected 2 windows, measured {len(gaps)}")
PY
