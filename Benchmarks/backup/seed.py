#!/usr/bin/env python3
"""Adds COUNT releases to a stopped server's database, each a copy of REL-5 under a new
number, in one transaction, and moves the key sequence past them.
Usage: seed.py sqlite PATH COUNT | seed.py postgresql URL COUNT"""
import sqlite3
import subprocess
import sys
import uuid

engine, where, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
if engine == "sqlite":
    db = sqlite3.connect(where)
    columns = [row[1] for row in db.execute("PRAGMA table_info(releases)")]
    template = dict(zip(columns, db.execute("SELECT * FROM releases WHERE number = 5").fetchone()))
    start = db.execute("SELECT MAX(number) FROM releases").fetchone()[0] + 1
    rows = []
    for number in range(start, start + count):
        row = dict(template, id=str(uuid.uuid4()).upper(), number=number, title=f"Bulk release {number}")
        rows.append([row[c] for c in columns])
    with db:
        db.executemany(f"INSERT INTO releases ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
        db.execute("UPDATE sequences SET value = (SELECT MAX(number) FROM releases) WHERE name = 'release'")
    db.close()
else:
    query = lambda sql: subprocess.run(["psql", where, "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()
    columns = query("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'releases'").split(",")
    chosen = {"id": "upper(md5(random()::text || n)::uuid::text)", "number": "n", "title": "'Bulk release ' || n"}
    select = ", ".join(chosen.get(c, f"r.{c}") for c in columns)
    query(f"""BEGIN;
        INSERT INTO releases ({', '.join(columns)})
        SELECT {select} FROM releases r, generate_series((SELECT MAX(number) + 1 FROM releases), (SELECT MAX(number) + {count} FROM releases)) n
        WHERE r.number = 5;
        UPDATE sequences SET value = (SELECT MAX(number) FROM releases) WHERE name = 'release';
        COMMIT;""")
