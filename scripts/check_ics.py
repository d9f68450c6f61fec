#!/usr/bin/env python3
"""Loads a Bascule calendar feed with the `icalendar` package (what many Python calendar
tools use) and checks what a subscriber relies on: it parses, declares its time zones,
every event has a UID and a zone-aware start, releases are there, conflicts are marked,
and recurring maintenance windows carry their rule. Usage: check_ics.py FEED.ics [REL-KEY...]"""
import sys

import icalendar


def main() -> int:
    path, expected = sys.argv[1], sys.argv[2:]
    with open(path, "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    events = list(calendar.walk("VEVENT"))
    problems = []
    if "Europe/Paris" not in zones:
        problems.append(f"no VTIMEZONE for Europe/Paris (found {sorted(zones)})")
    for event in events:
        start = event.decoded("DTSTART")
        if getattr(start, "tzinfo", None) is None:
            problems.append(f"{event.get('UID')}: start {start} has no time zone")
        if not event.get("UID"):
            problems.append("an event has no UID")
    summaries = [str(event.get("SUMMARY")) for event in events]
    for key in expected:
        if not any(summary.startswith(key + " ") or summary.startswith("⚠ " + key + " ") for summary in summaries):
            problems.append(f"no event for {key}")
    if not any(summary.startswith("⚠ ") for summary in summaries):
        problems.append("no release is marked with a conflict")
    if not any(event.get("RRULE") for event in events):
        problems.append("no recurring maintenance window with an RRULE")
    for problem in problems:
        print("feed:", problem, file=sys.stderr)
    print(f"feed: {len(events)} events, zones {sorted(zones)}, {sum(s.startswith('⚠ ') for s in summaries)} with conflicts")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
