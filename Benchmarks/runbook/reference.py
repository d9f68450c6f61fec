#!/usr/bin/env python3
"""networkx's dag_longest_path on the runbook written by the Swift benchmark, with step
durations as node weights (carried on the edges into each step). Prints: ms length steps."""
import csv
import sys
import time

import networkx as nx


def main() -> None:
    graph = nx.DiGraph()
    durations = {}
    with open(sys.argv[1]) as handle:
        for row in csv.DictReader(handle):
            durations[row["step"]] = int(row["duration"])
            graph.add_node(row["step"])
            for predecessor in filter(None, row["predecessors"].split(";")):
                graph.add_edge(predecessor, row["step"])
    # A source feeding every step carries each step's duration on its incoming edges.
    for node in list(graph.nodes):
        graph.add_edge("__start__", node)
    for u, v in graph.edges:
        graph[u][v]["weight"] = durations[v]
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        path = nx.dag_longest_path(graph, weight="weight")
        timings.append((time.perf_counter() - began) * 1000)
    length = sum(durations[node] for node in path if node != "__start__")
    print(f"{min(timings):.3f} {length} {len(path) - 1}")


if __name__ == "__main__":
    main()
