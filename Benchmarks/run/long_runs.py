"""Reads and acts on runs of growing length through the API; the health check is the reference.

Usage: long_runs.py URL TOKEN SIZE [SIZE...]
For each size: a new draft release, a runbook of SIZE steps (a chain, every tenth step also
waiting for the one seven back), a rehearsal, then 15 reads of the run (GET /runs/{id}) and 20
actions (start and complete of the first ten steps), each timed from request to full answer.
"""
import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlparse

url, token = sys.argv[1], sys.argv[2]
sizes = [int(s) for s in sys.argv[3:]]
target = urlparse(url)
connection = http.client.HTTPConnection(target.hostname, target.port, timeout=600)
auth = {"Authorization": f"Bearer {token}"}


def call(method, path, body=None, content_type="application/json"):
    headers = dict(auth)
    if body is not None:
        headers["Content-Type"] = content_type
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
    return elapsed, data


def summary(times):
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9) - 1 if len(ordered) >= 10 else -1]


health = [call("GET", "/health")[0] for _ in range(200)]
health_median, health_p90 = summary(health)
print(f"health check: median {health_median:.2f} ms, p90 {health_p90:.2f} ms (reference)")
for size in sizes:
    _, created = call("POST", "/api/v1/releases", json.dumps({"title": f"Long run {size}", "version": "1.0.0", "type": "minor"}))
    key = json.loads(created)["key"]
    steps = []
    for i in range(size):
        predecessors = [] if i == 0 else [f"S{i - 1}"] + ([f"S{i - 7}"] if i % 10 == 0 and i >= 7 else [])
        steps.append({"key": f"S{i}", "title": f"Step {i}", "phase": "cutover", "plannedMinutes": 1, "kind": "manual",
                      "predecessors": predecessors, "downtime": i % 5 == 0})
    put_ms, _ = call("PUT", f"/api/v1/releases/{key}/runbook", json.dumps({"steps": steps}))
    start_ms, run_body = call("POST", f"/api/v1/releases/{key}/runs", json.dumps({"kind": "rehearsal"}))
    run = json.loads(run_body)["id"]
    reads = [call("GET", f"/api/v1/runs/{run}")[0] for _ in range(15)]
    actions = []
    for i in range(10):
        for action in ("start", "complete"):
            actions.append(call("POST", f"/api/v1/runs/{run}/actions", json.dumps({"action": action, "step": f"S{i}"}))[0])
    read_median, read_p90 = summary(reads)
    act_median, act_p90 = summary(actions)
    print(f"{size} steps: save runbook {put_ms:.0f} ms, start rehearsal {start_ms:.0f} ms; "
          f"read median {read_median:.1f} ms p90 {read_p90:.1f} ms ({read_median / health_median:.0f}x health); "
          f"action median {act_median:.1f} ms p90 {act_p90:.1f} ms ({act_median / health_median:.0f}x health)")
