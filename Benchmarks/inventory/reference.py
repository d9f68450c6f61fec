#!/usr/bin/env python3
"""The reference run: the same impact sets computed with networkx (`nx.ancestors` on the
graph whose edges go from dependent to dependency), timed the same way as Bascule's.
Usage: reference.py DIR KEY [KEY...]  — prints one line per key: key, count, best ms."""
import csv
import os
import sys
import time

import networkx as nx


def fnv1a(text: str) -> str:
    value = 0xCBF29CE484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def main() -> None:
    folder, keys = sys.argv[1], sys.argv[2:]
    graph = nx.DiGraph()
    with open(os.path.join(folder, "items.csv")) as handle:
        graph.add_nodes_from(row["key"] for row in csv.DictReader(handle))
    with open(os.path.join(folder, "relations.csv")) as handle:
        graph.add_edges_from((row["dependent"], row["dependency"]) for row in csv.DictReader(handle))
    for key in keys:
        timings = []
        for _ in range(7):
            began = time.perf_counter()
            impacted = nx.ancestors(graph, key)
            timings.append((time.perf_counter() - began) * 1000)
        digest = fnv1a("\n".join(sorted(impacted)))
        print(f"{key} {len(impacted)} {min(timings):.3f} {digest}")


if __name__ == "__main__":
    main()
