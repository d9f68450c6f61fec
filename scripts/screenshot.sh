#!/usr/bin/env bash
# Takes docs/releases.png (and docs/release.png) from a demo server with headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product bascule >&2
bin=$(swift build --show-bin-path)/bascule
source scripts/lib.sh
work=$(mktemp -d /tmp/bascule-shot.XXXXXX)
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$work"' EXIT
start_demo_server "$bin" "$work"
shot() { chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,"$3" --screenshot="$PWD/docs/$2" "$SERVER_URL$1" 2>/dev/null; }
shot /releases releases.png 1000
shot /releases/REL-2 release.png 820
echo "docs/releases.png and docs/release.png updated"
