#!/usr/bin/env python3
"""Opens N Server-Sent Events clients on a run, then acts on its steps through the API and
measures, for each action, the time from sending the request to each client receiving the
event. Reference in the same go: the time of the request itself (answered after the commit).
Usage: fanout.py URL TOKEN RUN_ID [CLIENTS] [ACTIONS] [WATCH_URL]
With WATCH_URL (another replica), the clients watch there while the actions go to URL."""
import asyncio
import json
import statistics
import sys
import time
from urllib.parse import urlparse


async def watch(host, port, path, token, received, ready):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    ready.set_result(True) if not ready.done() else None
    sequence = None
    while True:
        line = await reader.readline()
        if not line:
            return
        text = line.decode(errors="replace").strip()
        if text.startswith("id: "):
            sequence = int(text[4:])
        elif text.startswith("data: ") and sequence is not None:
            received.setdefault(sequence, []).append(time.perf_counter())


async def post(host, port, path, token, body=None):
    reader, writer = await asyncio.open_connection(host, port)
    payload = json.dumps(body).encode() if body is not None else b""
    method = "POST" if body is not None else "GET"
    writer.write((f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n").encode() + payload)
    await writer.drain()
    response = await reader.read()
    writer.close()
    head, _, content = response.partition(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n")[0]:
        raise SystemExit(f"action refused: {head.splitlines()[0]!r} {content[:300]!r}")
    if b"transfer-encoding: chunked" in head.lower():
        chunks, rest = [], content
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            chunks.append(rest[:size])
            rest = rest[size + 2:]
        content = b"".join(chunks)
    return json.loads(content)


async def main():
    url, token, run = sys.argv[1:4]
    clients = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    actions = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    watch_url = sys.argv[6] if len(sys.argv) > 6 else url
    parsed, watched = urlparse(url), urlparse(watch_url)
    host, port = parsed.hostname, parsed.port
    received, tasks, readies = {}, [], []
    for _ in range(clients):
        ready = asyncio.get_running_loop().create_future()
        readies.append(ready)
        tasks.append(asyncio.create_task(watch(watched.hostname, watched.port, f"/api/v1/runs/{run}/events", token, received, ready)))
    await asyncio.gather(*readies)
    await asyncio.sleep(1.0)
    latencies, requests = [], []
    await post(host, port, f"/api/v1/runs/{run}/actions", token, {"action": "note", "comment": "benchmark starts"})
    view = await post(host, port, f"/api/v1/runs/{run}", token)
    for _ in range(actions):
        running = [s for s in view["steps"] if s["state"] == "running"]
        startable = [s for s in view["steps"] if s["state"] == "pending" and not s["waitingFor"]]
        if running and running[0]["kind"] == "goNoGo":
            body = {"action": "decide", "step": running[0]["key"], "decision": "go", "comment": "benchmark"}
        elif running:
            body = {"action": "complete", "step": running[0]["key"]}
        elif startable:
            body = {"action": "start", "step": startable[0]["key"]}
        else:
            break
        sent = time.perf_counter()
        result = await post(host, port, f"/api/v1/runs/{run}/actions", token, body)
        requests.append((time.perf_counter() - sent) * 1000)
        sequence = result["action"]["sequence"]
        # The action's answer carries the steps it changed only: the next action is chosen on the whole run.
        deadline = time.perf_counter() + 5
        while len(received.get(sequence, [])) < clients and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        arrivals = received.get(sequence, [])
        if len(arrivals) < clients:
            raise SystemExit(f"only {len(arrivals)} of {clients} clients received event {sequence}")
        latencies += [(arrival - sent) * 1000 for arrival in arrivals]
        view = await post(host, port, f"/api/v1/runs/{run}", token)
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))]
    where = "" if watch_url == url else f" (acting on {url}, watching on {watch_url})"
    print(f"sse{where} {clients} clients, {len(requests)} actions, {len(latencies)} deliveries: request to delivery p50 {p(0.5):.1f} ms, "
          f"p99 {p(0.99):.1f} ms, max {latencies[-1]:.1f} ms; the request alone (reference) median {statistics.median(requests):.1f} ms; "
          f"ratio p99 / request {p(0.99) / statistics.median(requests):.2f}")


asyncio.run(main())
