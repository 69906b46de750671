#!/usr/bin/env python3
"""The table of docs/results.md ("JEPA against SparseJEPA, λ = 0 and λ = 1") from scripts/claim-compare.sh's OUT:
k-NN top-1 (and its random-init floor) and the groups' multi-information at the last health point, mean ± std over seeds."""
import json, pathlib, statistics, sys

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else 'runs/claim')

def last_health(d):
    rows = [json.loads(l) for l in (d / 'health.jsonl').read_text().splitlines() if l.strip()]
    rows = [r.get('health', r) for r in rows]
    return rows[0], rows[-1]

def ms(xs, digits=1):
    if not xs: return '–'
    return f'{statistics.mean(xs):.{digits}f} ± {statistics.stdev(xs):.{digits}f}' if len(xs) > 1 else f'{xs[0]:.{digits}f}'

print("| run | seeds | k-NN top-1 % | random init % | groups' multi-information, step 0 → last (nats) | latents' (nats) |")
print('| --- | --- | --- | --- | --- | --- |')
for name in ['jepa', 'sparse-lambda-0', 'sparse-lambda-1']:
    seeds = sorted((out / name).glob('seed-*/knn/probe-knn.json'))
    knn, floor, tc0, tc1, lat = [], [], [], [], []
    for p in seeds:
        r = json.loads(p.read_text()); knn.append(100 * r['top1']); floor.append(100 * r['randomInitTop1'])
        first, last = last_health(p.parent.parent)
        tc0.append(first['totalCorrelation']['groups']); tc1.append(last['totalCorrelation']['groups'])
        if 'latents' in last['totalCorrelation']: lat.append(last['totalCorrelation']['latents'])
    print(f'| {name} | {len(seeds)} | {ms(knn)} | {ms(floor)} | {ms(tc0)} → {ms(tc1)} | {ms(lat)} |')
