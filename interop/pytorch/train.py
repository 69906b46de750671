#!/usr/bin/env python3
"""Train a SparseJEPA Lab run in PyTorch: the same model, masks, losses and optimisers as the lab's
engine, on one CPU or GPU, or data-parallel on many under torchrun.

    python3 interop/pytorch/train.py --config runs/x/config.json [--init runs/x/weights.safetensors] \\
        --dataset cifar-100-binary.tar.gz --out runs/x-torch [--device cuda] [--resume]
    torchrun --nproc_per_node 8 interop/pytorch/train.py --config … --dataset … --out … --device cuda

--config: the config.json `npm run train` writes, or a lab .safetensors (weights or checkpoint),
  whose metadata holds the config. Optional with --init or --resume (their metadata has one).
--init: start from these weights (the lab's names and shapes) instead of the engine's seeded init.
--dataset: a CIFAR-100/10 binary archive (.tar.gz/.tar) or its extracted folder; the config's subset
  applies. The built-in data: `npm run export-dataset -- --dataset synthetic --seed S --out X.tar.gz`.
--resume: continue the run in --out from its checkpoint.safetensors.

Writes DIR/config.json, DIR/metrics.jsonl (one StepMetrics object per step, the lab's schema),
DIR/checkpoint.safetensors (the lab's checkpoint format, every `checkpointEvery` steps, on
SIGINT/SIGTERM and at the end) and DIR/weights.safetensors (the lab's names, layouts and metadata).
From one seed, a run draws the engine's batches, augmentations, masks, noise and initial weights.
Bad input (a config it does not know, a wrong archive, weights of another architecture): one line
on stderr, exit 2, nothing written. A non-finite loss: exit 3, the last checkpoint kept.
"""

import argparse
import json
import os
import queue
import signal
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

from lab_config import CHECKPOINT_FORMAT, WEIGHTS_FORMAT, ConfigError, config_from_metadata, model_dims, read_config_file  # noqa: E402
from lab_data import DatasetError, load_dataset, select_subset  # noqa: E402
from lab_init import WeightsError, check_state, engine_init_state, file_shapes, weights_from_checkpoint  # noqa: E402
from safetensors_np import SafetensorsError, load_file, save  # noqa: E402

# torch is imported once the input has been checked (bad input is answered without its start-up time).
torch = dist = None

CHECKPOINT = "checkpoint.safetensors"


class UsageError(Exception):
    """Bad input: reported in one line, exit 2, before anything is written."""


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", help="config.json, or a lab .safetensors whose metadata holds the config")
    ap.add_argument("--init", help="initial weights (.safetensors with the lab's names)")
    ap.add_argument("--dataset", help="CIFAR-100/10 binary archive or folder (default: the config's dataset, if a path)")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--resume", action="store_true", help="continue the run in --out from its checkpoint")
    ap.add_argument("--device", choices=["cpu", "cuda"], help="default: cuda when PyTorch sees a GPU, else cpu")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads per process (default: cores / processes)")
    ap.add_argument("--cpu-linears", choices=["auto", "blas", "onednn"], default="auto",
                    help="on the CPU, nn.Linear through BLAS or as a oneDNN 1x1 convolution (auto: oneDNN where the BLAS is the reference one)")
    ap.add_argument("--log-every", type=int, default=10, help="print a progress line every N steps (0: never)")
    ap.add_argument("--name", help="the run's name in the lab (default: the --out folder's name)")
    ap.add_argument("--until-step", type=int, default=0,
                    help="stop after this step with a checkpoint (e.g. a job's time slot); --resume continues")
    return ap.parse_args(argv)


def read_safetensors(path, what):
    try:
        return load_file(path)
    except FileNotFoundError:
        raise UsageError(f"{what}: file not found: {path}") from None
    except (OSError, SafetensorsError) as e:
        raise UsageError(f"{what}: {path} is not a readable .safetensors file: {e}") from None


def same_run(a, b):
    """Configs of one run: equal but for λ, β and the peak lr (which the lab changes live)."""
    strip = lambda c: {k: v for k, v in c.items() if k not in ("lambda", "beta", "lr", "dataset")}  # noqa: E731
    return strip(a) == strip(b)


def trainer_state_problem(state):
    """What is wrong with a checkpoint's TrainerState (io/checkpoint.ts decodeCheckpoint's checks), or None."""
    def whole(x):
        return isinstance(x, int) and not isinstance(x, bool) and x >= 0

    def number(x):
        return isinstance(x, (int, float)) and not isinstance(x, bool) and np.isfinite(x)

    if not isinstance(state, dict) or not isinstance(state.get("config"), dict):
        return "the training state has no config"
    if not all(whole(state.get(k)) for k in ("step", "imagesSeen", "adamStep")):
        return "the step counters are missing or invalid"
    rng, hyper, sampler = (state.get(k) if isinstance(state.get(k), dict) else {} for k in ("rng", "hyper", "sampler"))
    if not all(whole(rng.get(k)) for k in ("data", "mask", "noise")):
        return "the RNG state is missing or invalid"
    if not all(number(hyper.get(k)) for k in ("lambda", "beta", "lr")):
        return "λ/β/lr are missing or invalid"
    if not all(whole(sampler.get(k)) for k in ("size", "seed", "epoch", "position")):
        return "the sampler state is missing or invalid"
    return None


def prepare(args, world):
    """Everything checked before anything is written: config, data, initial weights or checkpoint."""
    ckpt_path = os.path.join(args.out, CHECKPOINT)
    checkpoint = None
    if args.resume:
        if not os.path.exists(ckpt_path):
            raise UsageError(f"--resume: {ckpt_path} not found (no run to continue in {args.out})")
        tensors, meta = read_safetensors(ckpt_path, "--resume")
        if meta.get("format") != CHECKPOINT_FORMAT:
            raise UsageError(f"--resume: {ckpt_path} has format {json.dumps(meta.get('format'))}, not {CHECKPOINT_FORMAT}")
        try:
            state = json.loads(meta["state"])
        except (KeyError, ValueError):
            raise UsageError(f"--resume: {ckpt_path} has no readable training state") from None
        problem = trainer_state_problem(state)
        if problem:
            raise UsageError(f"--resume: {ckpt_path}: {problem}")
        checkpoint = (state, tensors)
    elif os.path.exists(os.path.join(args.out, "metrics.jsonl")):
        raise UsageError(f"{args.out} already holds a run (metrics.jsonl); pass --resume to continue it, or choose another --out")

    try:
        if args.config:
            config = read_config_file(args.config)
        elif checkpoint:
            config = config_from_metadata({"format": CHECKPOINT_FORMAT, "state": json.dumps(checkpoint[0])}, ckpt_path)
        elif args.init:
            tensors, meta = read_safetensors(args.init, "--init")
            config = config_from_metadata(meta, args.init)
        else:
            raise UsageError("--config is required (or --init/--resume, whose metadata holds the config)")
        if checkpoint and not same_run(config, checkpoint[0]["config"]):
            diff = [k for k in config if k not in ("lambda", "beta", "lr", "dataset") and config[k] != checkpoint[0]["config"].get(k)]
            raise UsageError(f"--config differs from the checkpoint's run in {', '.join(diff)}")
    except ConfigError as e:
        raise UsageError(str(e)) from None

    dataset = args.dataset or (checkpoint[0]["config"]["dataset"] if checkpoint else config["dataset"])
    try:
        splits = load_dataset(dataset)
        train = select_subset(splits["train"], config["subset"], config["seed"])
    except DatasetError as e:
        raise UsageError(str(e)) from None
    config = dict(config, dataset=dataset)
    B = config["batchSize"]
    if B % world:
        raise UsageError(f"batchSize {B} is not divisible by the {world} processes (each takes an equal shard)")

    # Ported: JEPA and SparseJEPA with the EMA target, and MAE. The no-stop-gradient setting trains in
    # the engine only; say so rather than train another model.
    if config.get("targetEncoder", "ema") != "ema" and config["mode"] != "mae":
        raise UsageError(f"targetEncoder {config['targetEncoder']!r} is not ported to PyTorch yet (train.py trains with the EMA target)")
    dims = model_dims(config)
    shapes = file_shapes(config, dims)
    if checkpoint:
        fixed = ("pos_embed", "predictor_pos_embed", "decoder_pos_embed")  # not trained: no AdamW moments
        adam = [n for n in shapes if not n.startswith("target_encoder.") and n.rsplit(".", 1)[-1] not in fixed
                and not (n == "group_head.W" and config["groupOptimizer"] == "sgd")]
        needed = list(shapes) + [f"adam.{m}.{n}" for n in adam for m in "mv"]
        missing = [k for k in needed if k not in checkpoint[1]]
        if missing:
            raise UsageError(f"--resume: the checkpoint has no tensor {missing[0]} (another architecture than its config?)")
        for k in shapes:
            if int(np.prod(checkpoint[1][k].shape)) != int(np.prod(shapes[k])):
                raise UsageError(f"--resume: checkpoint tensor {k} has {checkpoint[1][k].size} values, expected {int(np.prod(shapes[k]))}")
        state = weights_from_checkpoint(checkpoint[1], dims)
    elif args.init:
        tensors, meta = read_safetensors(args.init, "--init")
        if meta.get("format") not in (None, WEIGHTS_FORMAT):
            raise UsageError(f"--init: {args.init} has format {json.dumps(meta.get('format'))}, not {WEIGHTS_FORMAT}")
        try:
            check_state(tensors, shapes, f"--init {args.init}", f"{config['mode']} {config['preset']}")
        except WeightsError as e:
            raise UsageError(str(e)) from None
        state = tensors
    else:
        state = engine_init_state(config, dims)
    return config, dims, train, state, checkpoint


def setup_distributed(device):
    """(rank, world, local_rank) from torchrun's environment; one process when there is none."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return 0, 1, 0
    rank, local = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    if device == "cuda":
        torch.cuda.set_device(local)
    dist.init_process_group("nccl" if device == "cuda" else "gloo")
    return rank, world, local


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def run_info(args, config, world, run_id):
    return {"id": run_id, "name": args.name or os.path.basename(os.path.abspath(args.out)), "source": "pytorch",
            "torch": torch.__version__, "device": args.device, "processes": world, "dataset": config["dataset"]}


def weights_bytes(trainer, config, dims, run):
    meta = {"format": WEIGHTS_FORMAT, "config": json.dumps(config, separators=(",", ":")),
            "dims": json.dumps(dims, separators=(",", ":")), "step": str(trainer.steps), "run": json.dumps(run)}
    return save(trainer.weights(), meta)


def checkpoint_bytes(trainer, streams, run):
    state, tensors = trainer.trainer_state(streams)
    state["run"] = run
    return save(tensors, {"format": CHECKPOINT_FORMAT, "state": json.dumps(state, separators=(",", ":"))})


def metrics_file(out, resume_step):
    """metrics.jsonl opened for appending; on resume, cut back to the checkpoint's step."""
    path = os.path.join(out, "metrics.jsonl")
    if resume_step is None:
        return open(path, "w", encoding="utf-8")
    kept = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            kept = [ln for ln in f if ln.strip() and json.loads(ln)["step"] <= resume_step]
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(kept)
    return open(path, "a", encoding="utf-8")


def main(argv=None):
    global torch, dist
    args = parse_args(argv)
    world_env = int(os.environ.get("WORLD_SIZE", "1"))
    config, dims, train, init, checkpoint = prepare(args, world_env)
    import torch
    import torch.distributed as dist
    from lab_trainer import BatchStream, DivergenceError, TorchTrainer
    args.device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise UsageError("--device cuda: this PyTorch sees no CUDA device (use --device cpu)")
    rank, world, local = setup_distributed(args.device)
    device = torch.device(f"cuda:{local}" if args.device == "cuda" else "cpu")
    from lab_model import use_cpu_linears
    linears = use_cpu_linears(args.cpu_linears, device)
    torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // int(os.environ.get("LOCAL_WORLD_SIZE", world))))

    wrap = reduce = None
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel as DDP
        wrap = lambda m: DDP(m, device_ids=[local] if args.device == "cuda" else None, broadcast_buffers=False)  # noqa: E731

        def reduce(t):
            t = t.clone()
            dist.all_reduce(t)
            return t / world

    stream = BatchStream(config, dims, train)
    trainer = TorchTrainer(config, dims, device, init, wrap, reduce)
    if checkpoint:
        trainer.restore(checkpoint[0], checkpoint[1], stream)
        if args.config:  # λ, β and lr given with --resume apply from here on (the checkpoint's, otherwise)
            trainer.hyper = {k: config[k] for k in ("lambda", "beta", "lr")}
    run_id = (checkpoint[0].get("run", {}).get("id") if checkpoint else None) or uuid.uuid4().hex
    run = run_info(args, config, world, run_id)

    lead = rank == 0
    if lead:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "config.json"), "w", encoding="utf-8") as f:
            json.dump(config, f, indent=2)
            f.write("\n")
        metrics_out = metrics_file(args.out, trainer.steps if checkpoint else None)
        print(f"train.py: {config['mode']} {config['preset']} on {train.name} ({train.size} train images), "
              f"{config['steps']} steps of {config['batchSize']} from step {trainer.steps}, {world} process(es) on {args.device}"
              f"{' (nn.Linear through oneDNN)' if linears == 'onednn' else ''}",
              file=sys.stderr)

    stop = {"signal": None}

    def on_signal(signum, _frame):
        stop["signal"] = signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    ckpt_path = os.path.join(args.out, CHECKPOINT)
    exit_code = 0
    streams = stream.state
    batches = Prefetcher(stream, rank, world, config["steps"] - trainer.steps)
    try:
        while trainer.steps < config["steps"]:
            t0 = time.perf_counter()
            local, streams = batches.get()
            shard = stream.shard(local, device)
            try:
                m = trainer.step_on(shard)
            except DivergenceError as e:
                if lead:
                    print(f"train.py: {e} The last checkpoint is kept in {ckpt_path}.", file=sys.stderr)
                exit_code = 3
                break
            sparse = trainer.head is not None
            if sparse and (m["step"] % config["normsEvery"] == 0 or m["step"] == 1):
                m.update(trainer.group_norms())
            if args.device == "cuda":
                torch.cuda.synchronize(device)
            m = {"step": m["step"], "epoch": trainer.images_seen / train.size, **{k: v for k, v in m.items() if k != "step"}}
            m["imgPerSec"] = config["batchSize"] / (time.perf_counter() - t0)
            ordered = {k: m[k] for k in STEP_KEYS if k in m}
            if lead:
                metrics_out.write(json.dumps(ordered) + "\n")
                metrics_out.flush()
                if args.log_every and (m["step"] % args.log_every == 0 or m["step"] == 1):
                    print(f"step {m['step']} loss {m['loss']:.4f} pred {m['predLoss']:.4f} kl {m['klLoss']:.3f} "
                          f"group {m['groupPenalty']:.3f} lr {m['lr']:.2e} {m['imgPerSec']:.1f} img/s", file=sys.stderr)
            every = config["checkpointEvery"]
            stopping = _any(stop["signal"] is not None, world, device) or trainer.steps == args.until_step
            if lead and ((every and trainer.steps % every == 0) or stopping):
                write_atomic(ckpt_path, checkpoint_bytes(trainer, streams, run))
            if stopping:
                if lead:
                    print(f"train.py: stopped at step {trainer.steps}; continue with --resume", file=sys.stderr)
                exit_code = 0 if trainer.steps == args.until_step else 130
                break
        if trainer.steps == config["steps"] and lead:
            write_atomic(ckpt_path, checkpoint_bytes(trainer, streams, run))
            write_atomic(os.path.join(args.out, "weights.safetensors"), weights_bytes(trainer, config, dims, run))
            print(json.dumps({"out": args.out, "steps": trainer.steps, "processes": world, "device": args.device, "run": run_id}))
    finally:
        if lead:
            metrics_out.close()
        if world > 1:
            dist.destroy_process_group()
    return exit_code


class Prefetcher:
    """Draws the coming batches (indices, crops, masks, noise, patches: numpy on the CPU) on a thread
    while the device trains, in the order the loop takes them, so the run is the same; each comes
    with the streams' state after it, which is what a checkpoint taken after that step records."""

    def __init__(self, stream, rank, world, count, depth=2):
        self.queue = queue.Queue(maxsize=depth)

        def produce():
            for _ in range(count):
                try:
                    item = (stream.local(stream.next(), rank, world), stream.state)
                except Exception as e:  # noqa: BLE001 (handed to the loop, which raises it)
                    item = e
                self.queue.put(item)
                if isinstance(item, Exception):
                    return

        threading.Thread(target=produce, daemon=True, name="batches").start()

    def get(self):
        item = self.queue.get()
        if isinstance(item, Exception):
            raise item
        return item


# The lab's StepMetrics fields, in its order (src/engine/types.ts).
STEP_KEYS = ["step", "epoch", "loss", "predLoss", "klLoss", "groupPenalty", "gradNorm", "lr", "wd", "ema", "groupLr",
             "contextKept", "targetKept", "imgPerSec", "lambda", "beta", "groupNorms", "zeroShare"]


def _any(flag, world, device):
    """Whether any rank saw a stop signal (so every rank stops after the same step)."""
    if world == 1:
        return flag
    t = torch.tensor([1.0 if flag else 0.0], device=device)
    dist.all_reduce(t)
    return bool(t.item() > 0)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UsageError as e:
        if os.environ.get("RANK", "0") == "0":  # under torchrun every rank finds the same problem: say it once
            print(f"train.py: {e}", file=sys.stderr)
        sys.exit(2)
