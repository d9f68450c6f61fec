#!/usr/bin/env python3
"""CLIENTS writers creating releases through the API while `bascule backup` runs; then checks,
in the restored copy, that every write acknowledged before the backup started is in it.
Usage: writers.py URL TOKEN CLIENTS BACKUP_COMMAND... -- CHECK_COMMAND...
BACKUP_COMMAND runs once the writers are going; CHECK_COMMAND prints the titles of the
restored copy's releases, one per line."""
import asyncio
import json
import subprocess
import sys
import time
from urllib.parse import urlparse


async def writer(host, port, token, index, acknowledged, stop):
    reader, writer = await asyncio.open_connection(host, port)
    n = 0
    while not stop.is_set():
        n += 1
        title = f"Written by {index} #{n}"
        payload = json.dumps({"title": title, "version": "1.0.0", "type": "minor"}).encode()
        writer.write((f"POST /api/v1/releases HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n").encode() + payload)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length = 0
        while True:
            line = (await reader.readline()).strip().lower()
            if not line:
                break
            if line.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        if status == 201:
            acknowledged.append((time.time(), title))


async def main():
    url, token, clients = sys.argv[1], sys.argv[2], int(sys.argv[3])
    split = sys.argv.index("--")
    backup, check = sys.argv[4:split], sys.argv[split + 1:]
    parsed = urlparse(url)
    acknowledged, stop = [], asyncio.Event()
    tasks = [asyncio.create_task(writer(parsed.hostname, parsed.port, token, i, acknowledged, stop)) for i in range(clients)]
    await asyncio.sleep(3)
    started = time.time()
    before = len(acknowledged)
    process = await asyncio.create_subprocess_exec(*backup, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = await process.communicate()
    ended = time.time()
    during = len(acknowledged) - before
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    if process.returncode != 0:
        raise SystemExit(f"the backup failed: {output.decode()}")
    titles = set(subprocess.run(check, check=True, capture_output=True, text=True).stdout.splitlines())
    due = [title for at, title in acknowledged if at < started]
    missing = [title for title in due if title not in titles]
    kept_during = sum(1 for at, title in acknowledged if started <= at <= ended and title in titles)
    print(f"backup under {clients} writers: {ended - started:.1f} s; {during} writes acknowledged meanwhile "
          f"({during / (ended - started):.0f}/s), {kept_during} of them in the backup")
    print(f"writes acknowledged before the backup started: {len(due)}, missing from the restored copy: {len(missing)}")
    if missing:
        raise SystemExit(f"FAILED: {missing[:5]}")


asyncio.run(main())
