#!/usr/bin/env python3
"""Many runs at once on one server: RUNS rehearsals of the demo's release, each with one
Server-Sent Events watcher and one action a second (its steps started and completed in order)
for SECONDS. Prints the actions' latency p50/p99 (request sent to answer, over keep-alive
connections), how many events the watchers received against the actions taken, and the
server's resident memory (VmRSS, VmHWM) before and after.
Usage: load.py URL TOKEN SERVER_PID RUNS SECONDS"""
import asyncio
import json
import random
import sys
import time
from urllib.parse import urlparse


class Connection:
    """One keep-alive HTTP/1.1 connection, one request at a time."""

    def __init__(self, host, port, token):
        self.host, self.port, self.token = host, port, token
        self.reader = self.writer = None

    async def send(self, method, path, body=None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        payload = json.dumps(body).encode() if body is not None else b""
        self.writer.write((f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
                           f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n").encode() + payload)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length, chunked = 0, False
        while True:
            line = (await self.reader.readline()).strip().lower()
            if not line:
                break
            if line.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            if line.startswith(b"transfer-encoding:") and b"chunked" in line:
                chunked = True
        if chunked:
            content = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                content += await self.reader.readexactly(size)
                await self.reader.readline()
        else:
            content = await self.reader.readexactly(length)
        return status, content


def memory(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) // 1024
    return fields


async def watch(host, port, token, run, counter, stop):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET /api/v1/runs/{run}/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    while not stop.is_set():
        line = await reader.readline()
        if not line:
            return
        if line.startswith(b"id: "):
            counter[0] += 1


def plan(steps):
    actions = []
    for step in steps:
        if step["segment"] != "main" or step["state"] != "pending":
            continue
        actions.append({"action": "start", "step": step["key"]})
        if step["kind"] == "goNoGo":
            actions.append({"action": "decide", "step": step["key"], "decision": "go", "comment": "load"})
        else:
            actions.append({"action": "complete", "step": step["key"]})
    return actions


async def drive(host, port, token, run, actions, seconds, latencies, refusals, start_at):
    # Connected before the clock starts: an action's time is its request's, not the handshake's.
    connection = Connection(host, port, token)
    connection.reader, connection.writer = await asyncio.open_connection(host, port)
    await asyncio.sleep(max(0, start_at - time.perf_counter()) + random.random())
    end = time.perf_counter() + seconds
    for body in actions:
        if time.perf_counter() >= end:
            break
        sent = time.perf_counter()
        status, content = await connection.send("POST", f"/api/v1/runs/{run}/actions", body)
        latencies.append((time.perf_counter() - sent) * 1000)
        if status != 200:
            refusals.append((status, content[:200]))
        await asyncio.sleep(max(0, 1.0 - (time.perf_counter() - sent)))


async def main():
    url, token, pid, runs, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    parsed = urlparse(url)
    host, port = parsed.hostname, parsed.port
    setup = Connection(host, port, token)
    ids = []
    began = time.perf_counter()
    for _ in range(runs):
        status, content = await setup.send("POST", "/api/v1/releases/REL-19/runs", {"kind": "rehearsal"})
        if status not in (200, 201):
            raise SystemExit(f"creating a rehearsal answered {status}: {content[:300]!r}")
        ids.append(json.loads(content)["id"])
    created = time.perf_counter() - began
    status, content = await setup.send("GET", f"/api/v1/runs/{ids[0]}")
    actions = plan(json.loads(content)["steps"])
    before = memory(pid)
    counter, stop = [0], asyncio.Event()
    watchers = [asyncio.create_task(watch(host, port, token, run, counter, stop)) for run in ids]
    await asyncio.sleep(2)
    latencies, refusals = [], []
    start_at = time.perf_counter() + 3
    await asyncio.gather(*(drive(host, port, token, run, actions, seconds, latencies, refusals, start_at) for run in ids))
    await asyncio.sleep(2)
    after = memory(pid)
    stop.set()
    for task in watchers:
        task.cancel()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))]
    elapsed = time.perf_counter() - start_at
    print(f"{runs} runs, {len(ids)} watchers, {len(latencies)} actions in {elapsed:.0f} s ({len(latencies) / elapsed:.0f}/s; "
          f"{runs} rehearsals created in {created:.1f} s)")
    print(f"actions: p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {latencies[-1]:.1f} ms; refused {len(refusals)}"
          + (f" (first: {refusals[0]})" if refusals else ""))
    print(f"events received by the watchers: {counter[0]} for {len(latencies) - len(refusals)} actions")
    print(f"server memory: RSS {before.get('VmRSS')} MiB before, {after.get('VmRSS')} MiB after, peak {after.get('VmHWM')} MiB")


asyncio.run(main())
