#!/usr/bin/env bash
# Takes docs/releases.png (and docs/release.png) from a demo server with headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product bascule >&2
bin=$(swift build --show-bin-path)/bascule
work=$(mktemp -d /tmp/bascule-shot.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
(cd "$work" && exec "$bin" serve --demo --port "$port" >"$work/serve.log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
shot() { chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,"$3" --screenshot="$PWD/docs/$2" "http://127.0.0.1:$port$1" 2>/dev/null; }
shot /releases releases.png 1000
shot /releases/REL-2 release.png 820
echo "docs/releases.png and docs/release.png updated"
