"""A webhook receiver for the notification checks: verifies every delivery with the Standard
Webhooks reference library (`standardwebhooks`), and keeps one line per webhook-id it had not
seen (a receiver that deduplicates), counting duplicates and bad signatures.

Usage: python3 webhook_receiver.py PORT SECRET FOLDER [--delay SECONDS] [--hold]
--delay answers after that long; --hold reads each delivery and never answers (nothing kept).
Writes FOLDER/events.jsonl (one line per new webhook-id) and FOLDER/stats.json.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

port, secret, folder = int(sys.argv[1]), sys.argv[2], sys.argv[3]
delay = float(sys.argv[sys.argv.index("--delay") + 1]) if "--delay" in sys.argv else 0.0
hold = "--hold" in sys.argv
verifier = Webhook(secret)
lock = threading.Lock()
seen = set()
stats = {"requests": 0, "verified": 0, "invalid": 0, "duplicates": 0}
events_path = os.path.join(folder, "events.jsonl")
if os.path.exists(events_path):
    with open(events_path) as existing:
        for line in existing:
            seen.add(json.loads(line)["id"])


class Handler(BaseHTTPRequestHandler):
    # Keep-alive, as real receivers behind a web server answer.
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        if hold:
            time.sleep(600)
            return
        try:
            payload = verifier.verify(body, headers)
            ok = True
        except WebhookVerificationError:
            ok = False
        with lock:
            stats["requests"] += 1
            if not ok:
                stats["invalid"] += 1
            else:
                stats["verified"] += 1
                message = headers["webhook-id"]
                if message in seen:
                    stats["duplicates"] += 1
                else:
                    seen.add(message)
                    with open(events_path, "a") as out:
                        out.write(json.dumps({"id": message, "type": payload.get("type"), "data": payload.get("data")}) + "\n")
            with open(os.path.join(folder, "stats.json.part"), "w") as out:
                json.dump(stats, out)
            os.replace(os.path.join(folder, "stats.json.part"), os.path.join(folder, "stats.json"))
        if delay:
            time.sleep(delay)
        self.send_response(204 if ok else 400)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
print(f"webhook receiver on {port}", flush=True)
server.serve_forever()
