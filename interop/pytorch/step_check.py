#!/usr/bin/env python3
"""One training step of train.py's trainer on a batch the lab's engine drew, for the equivalence
test (src/cli/pytorchStep.test.ts): from the engine's checkpoint and the engine's batch, the
updated weights and the step's metrics, to compare with what the engine's own step gave.

    /usr/bin/python3 interop/pytorch/step_check.py --checkpoint C.safetensors --batch B.safetensors --out R.safetensors \
        [--checkpoint C2 --batch B2 --out R2 …]   (several steps in one process: torch starts once)

C: a lab checkpoint (io/checkpoint.ts: weights and AdamW moments in the engine's layout, the step,
   λ/β/lr). B: `patches` float32 [B, N, 3·p·p], `context` int32 [B, Nc], `targets` int32 [nT, B, Nt]
   and, in sparse mode, `noise` float32 [nT, B, Nt, K]. R: the weights after the step (the lab's
   names and file layout) with the step's metrics as JSON in __metadata__["metrics"].
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from lab_config import config_from_metadata, group_of_patch, model_dims  # noqa: E402
from lab_init import weights_from_checkpoint  # noqa: E402
from lab_model import use_cpu_linears  # noqa: E402
from lab_trainer import TorchTrainer, make_shard  # noqa: E402
from safetensors_np import load_file, save_file  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", action="append", required=True)
    ap.add_argument("--batch", action="append", required=True)
    ap.add_argument("--out", action="append", required=True)
    ap.add_argument("--cpu-linears", choices=["auto", "blas", "onednn"], default="auto", help="as train.py's flag")
    args = ap.parse_args()
    if not len(args.checkpoint) == len(args.batch) == len(args.out):
        ap.error("give one --batch and one --out per --checkpoint")
    torch.set_num_threads(1)
    use_cpu_linears(args.cpu_linears, "cpu")
    for checkpoint, batch_file, out in zip(args.checkpoint, args.batch, args.out):
        step(checkpoint, batch_file, out)


def step(checkpoint, batch_file, out):
    tensors, meta = load_file(checkpoint)
    config = config_from_metadata(meta, checkpoint)
    state = json.loads(meta["state"])
    dims = model_dims(config)
    trainer = TorchTrainer(config, dims, torch.device("cpu"), weights_from_checkpoint(tensors, dims))
    trainer.restore(state, tensors, None)
    batch, _ = load_file(batch_file)
    groups = np.asarray(group_of_patch(config["grouping"], dims["grid"]), dtype=np.int64)
    shard = make_shard(batch["patches"], batch["context"], batch["targets"], batch.get("noise"), groups, "cpu")
    metrics = trainer.step_on(shard)
    save_file(trainer.weights(), out, {"metrics": json.dumps(metrics)})


if __name__ == "__main__":
    main()
