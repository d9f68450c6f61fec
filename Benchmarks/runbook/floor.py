#!/usr/bin/env python3
"""The floor of the forecast's median error on ForecastSimulation's cutovers: what a forecaster
that knew the truth would score. Independent of Bascule's code (numpy only).

It plays cutovers built as ForecastSimulation builds them (40 steps, each following one or two
earlier ones; true medians and spreads; a live pace per cutover and per application; 5 % of
step executions doubled) and forecasts each with what Bascule can never know:
  - at go-live: every step's true median and spread, the hiccup rate, the application's own
    pace; only this cutover's pace draw is unknown;
  - halfway: the same, and this cutover's pace exactly (a floor under any learning).
It prints the median error of P50 (a share of the time left) and the share ending under P50.

    python3 Benchmarks/runbook/floor.py [--sequential 0.7] [--step-spread-high 0.15] [--cutovers 1000]
"""
import argparse

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--cutovers", type=int, default=1000)
parser.add_argument("--steps", type=int, default=40)
parser.add_argument("--sequential", type=float, default=0.0)
parser.add_argument("--step-spread-low", type=float, default=0.05)
parser.add_argument("--step-spread-high", type=float, default=0.25)
parser.add_argument("--slowdown", type=float, default=1.08)
parser.add_argument("--slowdown-spread", type=float, default=0.12)
parser.add_argument("--application-spread", type=float, default=0.04)
parser.add_argument("--hiccups", type=float, default=0.05)
parser.add_argument("--draws", type=int, default=2000)
parser.add_argument("--seed", type=int, default=7)
args = parser.parse_args()
rng = np.random.default_rng(args.seed)
n, draws = args.steps, args.draws


def runbook():
    predecessors = []
    for step in range(n):
        chosen = set()
        if step > 0:
            chosen.add(step - 1 if rng.random() < args.sequential else int(rng.random() * step))
        if step > 2 and rng.random() < 0.4:
            chosen.add(int(rng.random() * step))
        predecessors.append(sorted(chosen))
    return predecessors


def play(predecessors, durations):
    """Each step starts when its predecessors end: the end of each."""
    finishes = np.zeros_like(durations)
    for step in range(n):
        begin = np.zeros(durations.shape[0])
        for p in predecessors[step]:
            begin = np.maximum(begin, finishes[:, p])
        finishes[:, step] = begin + durations[:, step]
    return finishes


def drawn(median, sigma, pace, shape):
    doubled = np.where(rng.random(shape) < args.hiccups, 2.0, 1.0)
    return median * pace * np.exp(sigma * rng.standard_normal(shape)) * doubled


applications = args.application_spread * rng.standard_normal(5)
go_errors, go_under, half_errors, half_under = [], [], [], []
for cutover in range(args.cutovers):
    predecessors = runbook()
    planned = (5 + np.floor(rng.random(n) * 55)) * 60
    median = planned * np.exp(0.3 * rng.standard_normal(n))
    sigma = args.step_spread_low + rng.random(n) * (args.step_spread_high - args.step_spread_low)
    mean_pace = np.log(args.slowdown) + applications[cutover % 5]
    pace = np.exp(mean_pace + args.slowdown_spread * rng.standard_normal())
    actual = drawn(median, sigma, pace, (1, n))
    finishes = play(predecessors, actual)[0]
    starts, end = finishes - actual[0], finishes.max()

    # At go-live: this cutover's pace is the only unknown.
    paces = np.exp(mean_pace + args.slowdown_spread * rng.standard_normal((draws, 1)))
    p50 = np.median(play(predecessors, drawn(median, sigma, paces, (draws, n))).max(axis=1))
    go_errors.append(abs(end - p50) / end)
    go_under.append(end <= p50)

    # Halfway, knowing the pace: done steps as they were, running ones drawn past what they took.
    now = end / 2
    durations = drawn(median, sigma, pace, (draws, n))
    known_start = [None] * n
    for step in range(n):
        if finishes[step] <= now:
            durations[:, step] = actual[0, step]
            known_start[step] = starts[step]
        elif starts[step] <= now:
            elapsed = now - starts[step]
            column = durations[:, step]
            for _ in range(100):
                short = column <= elapsed
                if not short.any():
                    break
                column[short] = drawn(median[step], sigma[step], pace, short.sum())
            durations[:, step] = np.maximum(column, elapsed)
            known_start[step] = starts[step]
    ends = np.zeros((draws, n))
    for step in range(n):
        begin = np.full(draws, known_start[step]) if known_start[step] is not None else np.full(draws, now)
        for p in predecessors[step]:
            if known_start[step] is None:
                begin = np.maximum(begin, ends[:, p])
        ends[:, step] = begin + durations[:, step]
    p50 = np.median(ends.max(axis=1))
    half_errors.append(abs(end - p50) / (end - now))
    half_under.append(end <= p50)

print(f"floor over {args.cutovers} cutovers (sequential {args.sequential}, step spreads {args.step_spread_low}-{args.step_spread_high}):")
print(f"  at go-live, knowing every step's truth: median P50 error {100 * np.median(go_errors):.1f} %, under P50 {100 * np.mean(go_under):.1f} %")
print(f"  halfway, knowing the pace too:          median P50 error {100 * np.median(half_errors):.1f} % of the time left, under P50 {100 * np.mean(half_under):.1f} %")
