#!/usr/bin/env python3
"""A markdown table of probe curves: one row per run folder under OUT (OUT/NAME/seed-S/probes.jsonl,
lines {step, top1}), top-1 at every probed step as the mean ± spread over seeds, and best vs last;
then, for runs with OUT/NAME/seed-S/attentive/probe-attentive.json, the attentive probe's top-1
beside the same probe on the random-init encoder."""
import json, os, statistics, sys

out = sys.argv[1]
rows = []
for name in sorted(os.listdir(out)):
    seeds = sorted(d for d in os.listdir(os.path.join(out, name)) if d.startswith("seed-")) if os.path.isdir(os.path.join(out, name)) else []
    curves = []
    for s in seeds:
        p = os.path.join(out, name, s, "probes.jsonl")
        if os.path.exists(p):
            pts = {r["step"]: r["top1"] for r in map(json.loads, open(p))}
            curves.append(pts)
    longest = max((len(c) for c in curves), default=0)
    curves = [c for c in curves if len(c) == longest]  # seeds still under way are left out
    if not curves:
        continue
    steps = sorted(set.intersection(*(set(c) for c in curves)))
    cell = lambda xs: f"{100 * statistics.mean(xs):.1f}" + (f" ± {100 * statistics.stdev(xs):.1f}" if len(xs) > 1 else "")
    best = [max(c[s] for s in steps) for c in curves]
    last = [c[steps[-1]] for c in curves]
    per_seed = ", ".join(f"{100 * x:.1f}" for x in last)
    rows.append((name, len(curves), steps, [cell([c[s] for c in curves]) for s in steps], cell(best), cell(last) + (f" ({per_seed})" if len(last) > 1 else "")))
if rows:
    steps = max((r[2] for r in rows), key=len)
    rows = [r for r in rows if r[2] == steps]  # runs still under way are left out
    print("| run | seeds | " + " | ".join(f"step {s}" for s in steps) + " | best | last |")
    print("|---|---|" + "---|" * (len(steps) + 2))
    for name, n, st, cells, b, l in rows:
        print(f"| {name} | {n} | " + " | ".join(cells) + f" | {b} | {l} |")

attentive = []
for name in sorted(os.listdir(out)):
    files = [os.path.join(out, name, s, "attentive", "probe-attentive.json") for s in sorted(os.listdir(os.path.join(out, name))) if s.startswith("seed-")] if os.path.isdir(os.path.join(out, name)) else []
    found = [json.load(open(f)) for f in files if os.path.exists(f)]
    if found:
        cell = lambda xs: f"{100 * statistics.mean(xs):.1f}" + (f" ± {100 * statistics.stdev(xs):.1f}" if len(xs) > 1 else "") + (" (" + ", ".join(f"{100 * x:.1f}" for x in xs) + ")" if len(xs) > 1 else "")
        top1 = [r["top1"] for r in found]
        floor = [r["randomInitTop1"] for r in found]
        attentive.append((name, len(found), cell(top1), cell(floor), f"{100 * (statistics.mean(top1) - statistics.mean(floor)):+.1f}"))
if attentive:
    print()
    print("| run (attentive probe, last weights) | seeds | top-1 | random-init floor | over the floor |")
    print("|---|---|---|---|---|")
    for name, n, t, f, d in attentive:
        print(f"| {name} | {n} | {t} | {f} | {d} |")
