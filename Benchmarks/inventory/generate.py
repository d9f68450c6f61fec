#!/usr/bin/env python3
"""Generates the inventory benchmark's data: a layered inventory (network and storage at the
bottom, business services on top, each item depending on a few below it, popular ones more
often, with some cycles), its relations, and releases spread over two years, mostly at night.

Usage: generate.py DIR [ITEMS RELATIONS RELEASES]   (defaults 50000 200000 10000; seed fixed)"""
import csv
import os
import random
import sys
from datetime import datetime, timedelta, timezone

LAYERS = [  # (type, share of the items, owner teams)
    ("network", 0.01, ["infra"]), ("other", 0.01, ["storage"]), ("server", 0.10, ["infra", "platform"]),
    ("database", 0.08, ["dba"]), ("server", 0.02, ["platform"]), ("microservice", 0.40, None),
    ("application", 0.30, None), ("service", 0.08, None),
]


def main() -> None:
    folder = sys.argv[1]
    items_wanted, relations_wanted, releases_wanted = (int(x) for x in (sys.argv[2:5] or [50000, 200000, 10000]))
    rng = random.Random(20261121)
    os.makedirs(folder, exist_ok=True)
    layers, key_type, teams = [], {}, [f"team-{n:03d}" for n in range(300)]
    count = 0
    for index, (kind, share, owners) in enumerate(LAYERS):
        size = max(1, int(items_wanted * share)) if index < len(LAYERS) - 1 else items_wanted - count
        keys = [f"{kind[:3]}-{index}-{n:05d}" for n in range(size)]
        for key in keys:
            key_type[key] = (kind, rng.choice(owners) if owners else rng.choice(teams), 1 + min(3, int(rng.expovariate(1.2))))
        layers.append(keys)
        count += size
    relations = set()
    # Each item depends on items of the layers below, preferring the first ones of each layer
    # (the core switches, the main cluster), so that a few items carry most of the weight.
    # Network items lean on each other, which makes cycles. Rounds go on until the count is met.
    def target_for(index: int, keys: list) -> str:
        if index == 0:
            return rng.choice(keys)
        below = layers[rng.randrange(max(0, index - 3), index)]
        return below[min(len(below) - 1, int(rng.paretovariate(1.1)) - 1)] if rng.random() < 0.3 else rng.choice(below)

    while len(relations) < relations_wanted:
        for index, keys in enumerate(layers):
            for key in keys:
                target = target_for(index, keys)
                if target != key and len(relations) < relations_wanted:
                    relations.add((key, target))
    relations = sorted(relations)
    everything = [key for keys in layers for key in keys]
    with open(os.path.join(folder, "items.csv"), "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["key", "type", "team", "criticality"])
        for key in everything:
            kind, team, criticality = key_type[key]
            writer.writerow([key, kind, team, criticality])
    with open(os.path.join(folder, "relations.csv"), "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["dependent", "dependency"])
        writer.writerows(relations)
    start = datetime(2027, 1, 1, tzinfo=timezone.utc)
    upper = layers[5] + layers[6]
    with open(os.path.join(folder, "releases.csv"), "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["number", "start", "end", "environment", "items"])
        for number in range(1, releases_wanted + 1):
            day = start + timedelta(days=rng.randrange(730))
            begin = day + timedelta(hours=rng.choice([19, 20, 21, 22, 23, 1, 2]))
            end = begin + timedelta(minutes=rng.choice([60, 120, 180, 240, 360]))
            pool = everything if rng.random() < 0.05 else upper
            chosen = {rng.choice(pool) for _ in range(rng.randint(1, 5))}
            environment = "production" if rng.random() < 0.7 else rng.choice(["preproduction", "recette"])
            writer.writerow([number, int(begin.timestamp()), int(end.timestamp()), environment, ";".join(sorted(chosen))])
    print(f"generated {len(everything)} items, {len(relations)} relations, {releases_wanted} releases in {folder}")


if __name__ == "__main__":
    main()
