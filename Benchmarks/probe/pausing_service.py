"""A small HTTP service that pauses when told: requests arriving during a pause are held until
it ends, then answered. It prints the pauses it made, measured on its own clock, so that a
probe's measure can be compared with the truth.

Usage: pausing_service.py PORT "START:LENGTH,START:LENGTH" (seconds after GET /arm)
"""
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[1])
plan = [tuple(float(x) for x in item.split(":")) for item in sys.argv[2].split(",")] if len(sys.argv) > 2 and sys.argv[2] else []
armed = None
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        global armed
        if self.path == "/arm":
            with lock:
                armed = time.monotonic()
        elif armed is not None:
            now = time.monotonic() - armed
            for start, length in plan:
                if start <= now < start + length:
                    time.sleep(start + length - now)
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.request_queue_size = 1024
server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()
