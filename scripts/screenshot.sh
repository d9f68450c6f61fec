#!/usr/bin/env bash
# Takes docs/releases.png, release.png, home.png, plan-editor.png, inventory.png, policy-check.png, calendar.png, impact.png, live-run.png and calibration.png from a demo server, signed in as the demo
# release manager, with headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product bascule >&2
bin=$(swift build --show-bin-path)/bascule
source scripts/lib.sh
work=$(mktemp -d /tmp/bascule-shot.XXXXXX)
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$work"' EXIT
start_demo_server "$bin" "$work"
python3 -c "import playwright" 2>/dev/null || python3 -m pip install -q playwright >&2
python3 scripts/browser_check.py "$SERVER_URL" manager manager-bascule-demo REL-16 "Intranet 2.1: news feed" --screenshots "$PWD/docs"
echo "docs/releases.png, release.png, home.png, plan-editor.png, inventory.png, policy-check.png, calendar.png, impact.png, live-run.png and calibration.png updated"
