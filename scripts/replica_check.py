#!/usr/bin/env python3
"""Two replicas behind a proxy: a live run driven through replica A and watched through
replica B (and through A, by a watcher that must come back through the proxy); then A is
killed with SIGKILL and the run goes on through the proxy. Checks that every action reached
B's watcher, that the watcher cut off with A reconnects with Last-Event-ID and misses nothing,
and that the run's log holds each action sent exactly once, in order.
Usage: replica_check.py PROXY_URL A_URL B_URL TOKEN RUN_ID A_PID"""
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse


def fail(message):
    print(f"replicas: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def call(base, path, token, body=None, attempts=1):
    data = json.dumps(body).encode() if body is not None else None
    for attempt in range(attempts):
        request = urllib.request.Request(base + path, data=data, method="POST" if data else "GET",
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            fail(f"{path} answered {error.code}: {error.read()[:300]!r}")
        except (urllib.error.URLError, ConnectionError, socket.timeout) as error:
            # Only a request that never reached a server is tried again: the proxy answers 503
            # (an HTTPError above) for one that did. A POST is never sent twice on a maybe.
            if attempt + 1 == attempts or data is not None:
                fail(f"{path} on {base}: {error}")
            time.sleep(0.5)


class Watcher(threading.Thread):
    """An SSE client that reconnects (with Last-Event-ID) to `fallback` when its stream breaks."""

    def __init__(self, url, fallback, token, run):
        super().__init__(daemon=True)
        self.urls, self.token, self.run_id = [url, fallback], token, run
        self.sequences, self.connections, self.last = [], 0, None
        self.ready = threading.Event()

    def run(self):
        while self.connections < 2:
            target = urlparse(self.urls[min(self.connections, 1)])
            self.connections += 1
            try:
                sock = socket.create_connection((target.hostname, target.port), timeout=30)
                head = f"GET /api/v1/runs/{self.run_id}/events HTTP/1.1\r\nHost: {target.hostname}\r\nAuthorization: Bearer {self.token}\r\nAccept: text/event-stream\r\n"
                if self.last is not None:
                    head += f"Last-Event-ID: {self.last}\r\n"
                sock.sendall((head + "\r\n").encode())
                stream = sock.makefile("rb")
                self.ready.set()
                for raw in stream:
                    line = raw.decode(errors="replace").strip()
                    if line.startswith("id: "):
                        self.last = int(line[4:])
                        self.sequences.append(self.last)
            except OSError:
                pass
            time.sleep(0.3)


def next_action(view):
    running = [s for s in view["steps"] if s["state"] == "running"]
    startable = [s for s in view["steps"] if s["state"] == "pending" and not s["waitingFor"]]
    if running and running[0]["kind"] == "goNoGo":
        return {"action": "decide", "step": running[0]["key"], "decision": "go", "comment": "replicas check"}
    if running:
        return {"action": "complete", "step": running[0]["key"]}
    if startable:
        return {"action": "start", "step": startable[0]["key"]}
    return None


def wait_for(watcher, sequence, limit=5.0):
    deadline = time.time() + limit
    while sequence not in watcher.sequences and time.time() < deadline:
        time.sleep(0.01)
    return sequence in watcher.sequences


def main():
    proxy, a, b, token, run, a_pid = sys.argv[1:7]
    on_b, on_a = Watcher(b, b, token, run), Watcher(a, proxy, token, run)
    for watcher in (on_b, on_a):
        watcher.start()
        watcher.ready.wait(10)
    time.sleep(0.5)
    view = call(a, f"/api/v1/runs/{run}", token)
    first = view["log"][-1]["sequence"] if view["log"] else 0
    sent, latencies = 0, []

    def act(base):
        nonlocal view, sent
        body = next_action(view)
        if body is None:
            fail("the run has no step left to act on")
        started = time.time()
        result = call(base, f"/api/v1/runs/{run}/actions", token, body)
        sent += 1
        sequence = result["action"]["sequence"]
        if not wait_for(on_b, sequence):
            fail(f"action {sequence} taken through {base} did not reach the watcher on B")
        latencies.append((time.time() - started) * 1000)
        view = call(base, f"/api/v1/runs/{run}", token, attempts=5)

    for _ in range(6):
        act(a)
    print(f"replicas: ok - 6 actions through A reached the watcher on B (slowest {max(latencies):.0f} ms from request to delivery)")

    os.kill(int(a_pid), signal.SIGKILL)
    time.sleep(0.2)
    for _ in range(6):
        act(proxy)
    print("replicas: ok - A killed with SIGKILL; 6 more actions went through the proxy to B")

    final = call(proxy, f"/api/v1/runs/{run}", token, attempts=5)
    entries = [entry for entry in final["log"] if entry["sequence"] > first]
    logged = [entry["sequence"] for entry in entries]
    ours = [entry for entry in entries if entry["kind"] in ("start", "complete", "decide")]
    if logged != list(range(first + 1, first + 1 + len(logged))) or len(ours) != sent:
        fail(f"the run's log after the check is {[(e['sequence'], e['kind']) for e in entries]}, expected the {sent} actions sent, each once, numbered in order")
    print(f"replicas: ok - the run's log holds the {sent} actions once each, in order")

    last = logged[-1]
    if not wait_for(on_a, last, 10):
        fail(f"the watcher cut off with A did not get back to action {last} (it has {on_a.sequences[-5:]}, {on_a.connections} connection(s))")
    expected = set(logged)
    if not expected <= set(on_a.sequences) or len([s for s in on_a.sequences if s in expected]) != len(expected):
        fail(f"the watcher that reconnected missed or repeated actions: {on_a.sequences}")
    if on_a.connections < 2:
        fail("the watcher on A never had to reconnect")
    print("replicas: ok - the watcher cut off with A reconnected through the proxy with Last-Event-ID and missed nothing")


main()
