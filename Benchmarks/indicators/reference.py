"""The indicators of a period computed again, independently of Bascule: plain SQL reads of the
same SQLite file and the definitions written out in Python (docs/AFTER_RELEASE.md). Prints one
line per indicator (key numerator denominator value) and the time it took.

Usage: python3 reference.py FILE FROM TO   (FROM and TO in RFC 3339)
"""
import sqlite3
import statistics
import sys
import time
from datetime import datetime


def millis(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def compute(db, start, end):
    rows = db.execute(
        "SELECT release_number, production, type, result, planned_start, planned_end, started_at, ended_at, planned_downtime_ms, actual_downtime_ms "
        "FROM deployments WHERE ended_at >= ? AND ended_at < ?", (start, end)).fetchall()
    confirmed = {}
    for number, opened in db.execute(
            "SELECT r.number, i.opened_at FROM attributions a JOIN releases r ON r.id = a.release_id JOIN incidents i ON i.id = a.incident_id "
            "WHERE a.state = 'confirmed'"):
        confirmed.setdefault(number, []).append(opened)
    out = {}
    everything = len(rows)
    deployed = [r for r in rows if r[3] == "deployed"]

    def share(key, counted, over):
        out[key] = (counted, over, counted / over if over else None)

    out["deployed"] = (len(deployed), -1, float(len(deployed)))
    share("success", len(deployed), everything)
    share("rollback", sum(1 for r in rows if r[3] == "rolledBack"), everything)
    share("failure", sum(1 for r in rows if r[3] == "failed"), everything)
    share("emergency", sum(1 for r in rows if r[2] == "emergency"), everything)
    inside = 0
    for r in deployed:
        planned_start = r[4] if r[4] is not None and r[5] is not None else r[6]
        planned_end = r[5] if r[4] is not None and r[5] is not None else r[7]
        if r[6] >= planned_start and r[7] <= planned_end:
            inside += 1
    share("insideWindow", inside, len(deployed))
    week = 7 * 86_400_000
    followed = sum(1 for r in deployed if any(r[7] <= o <= r[7] + week for o in confirmed.get(r[0], [])))
    share("followedByIncident", followed, len(deployed))
    both = [r for r in rows if r[8] is not None and r[9] is not None]
    out["plannedDowntime"] = (len(both), -1, sum(r[8] for r in both) / 1000 if both else None)
    out["actualDowntime"] = (len(both), -1, sum(r[9] for r in both) / 1000 if both else None)
    production = [r for r in rows if r[1] == 1]
    days = (end - start) / 86_400_000
    out["deploymentFrequency"] = (len(production), round(days), len(production) / days if production else None)
    leads = [ended - created for ended, created in db.execute(
        "SELECT d.ended_at, c.created_at FROM deployments d JOIN changes c ON c.release_id = d.release_id "
        "WHERE d.ended_at >= ? AND d.ended_at < ? AND d.production = 1 AND d.result = 'deployed' AND c.status NOT IN ('rejected', 'cancelled')",
        (start, end))]
    out["leadTime"] = (len(leads), -1, statistics.median(leads) / 1000 if leads else None)
    failed = sum(1 for r in production if r[3] != "deployed" or r[0] in confirmed)
    share("changeFailureRate", failed, len(production))
    incidents = db.execute("SELECT opened_at, resolved_at FROM incidents WHERE opened_at >= ? AND opened_at < ?", (start, end)).fetchall()
    restored = [resolved - opened for opened, resolved in incidents if resolved is not None]
    out["timeToRestore"] = (len(restored), len(incidents), statistics.median(restored) / 1000 if restored else None)
    return out


def main():
    path, start, end = sys.argv[1], millis(sys.argv[2]), millis(sys.argv[3])
    db = sqlite3.connect(path)
    times = []
    for _ in range(3):
        began = time.perf_counter()
        out = compute(db, start, end)
        times.append((time.perf_counter() - began) * 1000)
    for key, (numerator, denominator, value) in out.items():
        print(f"indicator {key} {numerator} {denominator} {'none' if value is None else f'{value:.6f}'}")
    print(f"time median {sorted(times)[1]:.1f} ms")


main()
