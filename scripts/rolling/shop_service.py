#!/usr/bin/env python3
"""The small HTTP service the rolling-update checks move between versions.

GET /         "shop VERSION on PORT"        (what users and the probe see; 1.5 s late for a version in --slow)
GET /health   200 "ok", or 503 for a version listed in --unhealthy (it starts, then never gets healthy)
GET /version  the version, one line

Usage: shop_service.py --port PORT --version V [--unhealthy 3] [--slow 4] [--pidfile FILE]
It exits at once on SIGTERM, as a service that does not drain by itself would.
"""
import argparse
import http.server
import os
import signal
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--version", required=True)
parser.add_argument("--unhealthy", default="")
parser.add_argument("--slow", default="")
parser.add_argument("--pidfile")
args = parser.parse_args()
unhealthy = args.version in [v for v in args.unhealthy.split(",") if v]
slow = args.version in [v for v in args.slow.split(",") if v]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, text):
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            self.answer(503 if unhealthy else 200, "unhealthy" if unhealthy else "ok")
        elif self.path == "/version":
            self.answer(200, args.version)
        else:
            if slow:
                time.sleep(1.5)
            self.answer(200, f"shop {args.version} on {args.port}")

    def log_message(self, *_):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
server.daemon_threads = True
if args.pidfile:
    with open(args.pidfile, "w") as f:
        f.write(str(os.getpid()))
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
sys.stdout.flush()
server.serve_forever()
