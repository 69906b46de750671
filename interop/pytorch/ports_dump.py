#!/usr/bin/env python3
"""What the Python ports of the lab's seeded streams draw, for src/cli/pytorchPorts.test.ts to
compare with the engine: a JSON request on stdin, a JSON answer on stdout (no torch needed)."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from lab_config import parse_config, model_dims  # noqa: E402
from lab_data import BatchSampler, draw_augmentations, load_dataset, patch_batch, select_subset  # noqa: E402
from lab_init import engine_init_state  # noqa: E402
from lab_masks import sample_batch_masks  # noqa: E402
from lab_rng import Rng  # noqa: E402


def summary(ds):
    return {"name": ds.name, "size": ds.size, "labels": ds.labels.tolist(), "classNames": ds.class_names,
            "coarseLabels": None if ds.coarse_labels is None else ds.coarse_labels.tolist(),
            "pixelSum": int(ds.images.astype(np.int64).sum())}


def main():
    req = json.load(sys.stdin)
    out = {}
    r = Rng(req["seed"])
    out["rng"] = {"next": [r.next() for _ in range(5)], "ints": [r.int(n) for n in (1, 7, 100, 2**31)],
                  "normals": r.normals(5).tolist(), "uint32": [r.uint32() for _ in range(3)], "state": r.state}
    out["masks"] = []
    for m in req["masks"]:
        rng = Rng(m["seed"])
        draws = [sample_batch_masks(rng, B, m["settings"], m["corners"]) for B in m["batches"]]
        out["masks"].append({"draws": [{"context": c, "targets": t} for c, t in draws], "state": rng.state})
    s = BatchSampler(req["sampler"]["size"], req["sampler"]["seed"])
    out["sampler"] = {"batches": [s.next(b).tolist() for b in req["sampler"]["batches"]], "state": s.state}
    out["archives"] = []
    for a in req["archives"]:
        splits = load_dataset(a["path"])
        sub = select_subset(splits["train"], a["subset"], a["subsetSeed"])
        out["archives"].append({**{k: summary(v) for k, v in splits.items()}, "subset": summary(sub)})
    train = load_dataset(req["archives"][0]["path"])["train"]
    aug = Rng(req["augSeed"])
    flips, dx, dy = draw_augmentations(aug, len(req["augIndices"]), True, 4)
    patches = patch_batch(train.images[req["augIndices"]], 4, flips, dx, dy, 4)
    out["patches"] = {"sum": float(patches.astype(np.float64).sum()), "first": patches.reshape(-1)[:64].tolist(),
                      "state": aug.state}
    out["init"] = []
    for ic in req["initConfigs"]:
        c = parse_config(ic)
        init = engine_init_state(c, model_dims(c))
        out["init"].append({k: {"shape": list(v.shape), "sum": float(v.astype(np.float64).sum()), "head": v.reshape(-1)[:8].tolist()}
                            for k, v in init.items()})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
