#!/usr/bin/env python3
"""The lab's JEPA checked from outside: replayed step for step through the I-JEPA reference code.

    /usr/bin/python3 interop/pytorch/ijepa_parity.py --ijepa DIR --dataset D --preset micro --steps 20 --seed 0 [--mode jepa|sparse]
    /usr/bin/python3 interop/pytorch/ijepa_parity.py --ijepa DIR --recipe reference --dataset D --steps 500 --seed 0 --out O [--save-every 100]

DIR is a checkout of https://github.com/facebookresearch/ijepa (CC BY-NC 4.0: it is read from
there, never copied into this repository). Nothing of it is re-implemented here except the
momentum schedule, which src/train.py builds inline in main() (quoted below, with its line).

Parity (the default, --recipe lab): the lab trains N steps (`npm run train -- --trace-batches`),
writing its step-0 weights, every step's batch and masks, its metrics and its final weights. This
script builds the reference's own VisionTransformer and VisionTransformerPredictor at the lab's
dims (as src/helper.py's init_model and the vit_* factories build them: qkv bias, LayerNorm eps
1e-6), loads the lab's step-0 weights into them, builds AdamW's parameter groups, the
WarmupCosineSchedule and the CosineWDSchedule with src/helper.py's own init_opt, and replays the
lab's batches through the reference's forward passes and apply_masks / repeat_interleave_batch,
with the lab's loss (the paper's reduction) in place of smooth-L1. It prints one JSON line:

    maxLossDiff     max over steps and loss terms of |L_lab − L_ref| / |L_ref|
    maxWeightDiff   max over tensors of ‖W_lab − W_ref‖ / ‖W_ref‖ after N steps (the key third of
                    each qkv.bias is left out: no output depends on it, its gradient is rounding noise;
                    src/cli/pytorchTest.ts compareWeights says why)
    maxScheduleDiff max over steps of |lr|, |wd| and |m| lab against reference
    posEmbedDiff    the lab's fixed sin-cos tables against the reference's get_2d_sincos_pos_embed

and exits 1 when maxLossDiff exceeds --tol (1e-4), 2 on a usage or load error. The reference runs
in float64 by default, so the differences measure the lab's float32 error; --dtype float32 runs it
in float32.

The reference recipe (--recipe reference) trains the same architecture the reference's way on the
lab's data: its own init (init_model's trunc-normal), its MaskCollator (src/masks/multiblock.py,
on the lab's 8×8 grid), smooth-L1 loss, its schedules and its momentum schedule; the lab's sampler
and augmentations feed it the images. It writes O/weights.safetensors in the lab's format (and
O/weights-step-NNNNNN.safetensors every --save-every steps) for `npm run probe -- --weights`.
"""

import argparse
import copy
import json
import math
import os
import subprocess
import sys
import tempfile
from functools import partial

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from lab_config import config_from_metadata, model_dims  # noqa: E402
from safetensors_np import load_file, save_file  # noqa: E402

WEIGHTS_FORMAT = "sparsejepa-lab/1"


class UsageError(Exception):
    pass


# --- the reference code, from the checkout ---------------------------------------------------------

def import_reference(ijepa_dir):
    """The modules of a facebookresearch/ijepa checkout: vision_transformer, masks, schedulers, helper."""
    if not ijepa_dir:
        raise UsageError("--ijepa DIR is required: a checkout of https://github.com/facebookresearch/ijepa "
                         "(git clone it anywhere outside this repository; it is CC BY-NC, so it is not copied here)")
    need = ["src/models/vision_transformer.py", "src/masks/multiblock.py", "src/masks/utils.py",
            "src/utils/schedulers.py", "src/utils/tensors.py", "src/helper.py", "src/train.py"]
    missing = [n for n in need if not os.path.isfile(os.path.join(ijepa_dir, n))]
    if missing:
        raise UsageError(f"--ijepa {ijepa_dir}: not a facebookresearch/ijepa checkout (no {', '.join(missing)})")
    sys.path.insert(0, os.path.abspath(ijepa_dir))
    import src.helper as helper
    import src.masks.multiblock as multiblock
    import src.masks.utils as mask_utils
    import src.models.vision_transformer as vit
    import src.utils.tensors as tensors
    return argparse.Namespace(vit=vit, helper=helper, multiblock=multiblock, apply_masks=mask_utils.apply_masks,
                              repeat_interleave_batch=tensors.repeat_interleave_batch)


def reference_models(ref, dims):
    """The reference's encoder and predictor at the lab's dims, built as vit_tiny/vit_small and
    vit_predictor build theirs (qkv bias, LayerNorm eps 1e-6); the target encoder a deep copy (src/train.py)."""
    encoder = ref.vit.VisionTransformer(
        img_size=[dims["imageSize"]], patch_size=dims["patchSize"], embed_dim=dims["embedDim"], depth=dims["depth"],
        num_heads=dims["heads"], mlp_ratio=dims["mlpRatio"], qkv_bias=True, norm_layer=partial(nn.LayerNorm, eps=1e-6))
    predictor = ref.vit.vit_predictor(
        num_patches=dims["numPatches"], embed_dim=dims["embedDim"], predictor_embed_dim=dims["predictorDim"],
        depth=dims["predictorDepth"], num_heads=dims["predictorHeads"])
    return encoder, predictor


def seeded_reference_models(ref, dims, seed):
    """The reference recipe's step-0 model: built after torch.manual_seed(seed), so the constructors'
    own draws (patch embedding, mask token) are seeded too, then src/helper.py init_model's pass:
    trunc-normal(0.02) on every Linear (overriding the constructors' rescaled init), LayerNorms (1, 0)."""
    from src.utils.tensors import trunc_normal_
    torch.manual_seed(seed)
    encoder, predictor = reference_models(ref, dims)
    for m in list(encoder.modules()) + list(predictor.modules()):
        if isinstance(m, nn.Linear):
            trunc_normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)
    return encoder, predictor


def reference_optimiser(ref, encoder, predictor, config):
    """AdamW's four parameter groups and the two schedules, by src/helper.py's init_opt, over a run of
    config.steps iterations (one 'epoch' of steps iterations, ipe_scale 1, as the configs set it)."""
    steps = config["steps"]
    warmup_steps = js_round(config["warmupFraction"] * steps)
    lr = config["lr"]
    optimizer, _, scheduler, wd_scheduler = ref.helper.init_opt(
        encoder=encoder, predictor=predictor, iterations_per_epoch=steps, num_epochs=1,
        start_lr=min(config["startLr"], lr), ref_lr=lr, final_lr=min(config["finalLr"], lr),
        warmup=warmup_steps / steps, wd=config["weightDecay"][0], final_wd=config["weightDecay"][1], ipe_scale=1.0)
    if scheduler.warmup_steps != warmup_steps:  # int(warmup·ipe) must land on the lab's count
        scheduler.warmup_steps = warmup_steps
        scheduler.T_max = steps - warmup_steps
    return optimizer, scheduler, wd_scheduler


def momentum_schedule(config):
    """The EMA momentum, as src/train.py builds it in main():
    momentum_scheduler = (ema[0] + i*(ema[1]-ema[0])/(ipe*num_epochs*ipe_scale) for i in range(int(ipe*num_epochs*ipe_scale)+1))"""
    ema, total = config["emaMomentum"], config["steps"]
    return (ema[0] + i * (ema[1] - ema[0]) / total for i in range(int(total) + 1))


def js_round(x):
    return math.floor(x + 0.5)


# --- the lab's files -------------------------------------------------------------------------------

def images_of(patches, dims):
    """The lab's patches [B, N, 3·p·p] (grid row-major; (channel, row, column) inside a patch) as NCHW images."""
    B, g, p = patches.shape[0], dims["grid"], dims["patchSize"]
    x = patches.reshape(B, g, g, 3, p, p).transpose(0, 3, 1, 4, 2, 5)  # [B, 3, gy, y, gx, x]
    return np.ascontiguousarray(x.reshape(B, 3, g * p, g * p))


def lab_to_reference(tensors):
    """The lab's file names → (module, its state-dict name): context_encoder. → encoder, predictor. → predictor."""
    out = {"encoder": {}, "target": {}, "predictor": {}, "other": {}}
    for name, value in tensors.items():
        for prefix, part in (("context_encoder.", "encoder"), ("target_encoder.", "target"), ("predictor.", "predictor")):
            if name.startswith(prefix):
                out[part][name[len(prefix):]] = value
                break
        else:
            out["other"][name] = value
    return out


def load_into(module, state, what):
    """Load file tensors into a reference module, strictly: every name present, every size right."""
    own = module.state_dict()
    missing = sorted(set(own) - set(state))
    extra = sorted(set(state) - set(own))
    if missing or extra:
        raise UsageError(f"{what}: the lab's weights do not fit the reference module (missing {missing[:4]}, extra {extra[:4]})")
    with torch.no_grad():
        for name, t in own.items():
            v = np.asarray(state[name])
            if v.size != t.numel():
                raise UsageError(f"{what}.{name}: {list(v.shape)} in the lab's file, {list(t.shape)} in the reference")
            t.copy_(torch.as_tensor(v.astype(np.float64)).reshape(t.shape))


def weights_in_lab_names(encoder, target, predictor, head=None):
    out = {"target_encoder." + k: v for k, v in target.state_dict().items()}
    out.update({"context_encoder." + k: v for k, v in encoder.state_dict().items()})
    out.update({"predictor." + k: v for k, v in predictor.state_dict().items()})
    if head is not None:
        out.update({"group_head." + k: v for k, v in head.state_dict().items()})
    return {k: v.detach().cpu().numpy() for k, v in out.items()}


def relative_diff(a, b, name):
    """‖a − b‖ / ‖b‖, without the key third of an attention bias (see the module docstring)."""
    a, b = np.asarray(a, np.float64).reshape(-1), np.asarray(b, np.float64).reshape(-1)
    if name.endswith("attn.qkv.bias"):
        D = b.size // 3
        keep = np.r_[0:D, 2 * D:3 * D]
        a, b = a[keep], b[keep]
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def run_lab(args, trace):
    """The lab trains N steps and leaves its trace: initial-weights, batch-NNNNNN, metrics.jsonl, weights."""
    tsx = os.path.join(REPO, "node_modules", ".bin", "tsx")
    if not os.path.exists(tsx):
        raise UsageError(f"{tsx} is missing: run `npm ci` in {REPO} first")
    cmd = [tsx, "src/cli/train.ts", "--dataset", args.dataset, "--preset", args.preset, "--mode", args.mode,
           "--steps", str(args.steps), "--seed", str(args.seed), "--out", trace, "--trace-batches", os.path.join(trace, "batches"),
           "--backend", args.backend, "--log-every", "0", *args.lab_flag]
    done = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise UsageError(f"the lab's run failed ({' '.join(cmd[1:])}):\n{done.stderr.strip()}")
    with open(os.path.join(trace, "metrics.jsonl")) as f:
        metrics = [json.loads(line) for line in f if line.strip()]
    if len(metrics) != args.steps:
        raise UsageError(f"the lab's run wrote {len(metrics)} metrics rows for {args.steps} steps")
    return metrics


# --- the objective ---------------------------------------------------------------------------------

def lab_prediction_loss(z, h, reduction):
    """The lab's predictionLoss (losses.ts) on the reference's [nT·B, Nt, D] tensors: (1/M) Σ_i Σ_{j∈B_i} ‖ŝ_j − s_j‖²
    over the M = nT·B target blocks ('paper'), or the MSE ('mean'). The reference trains with smooth-L1 instead."""
    sq = (z - h) ** 2
    return sq.sum() / z.shape[0] if reduction == "paper" else sq.mean()


def forward_target(ref, target, imgs, masks_pred, masks_enc, ln_eps):
    """src/train.py forward_target: h = layer_norm(f_θ̄(x)) at the target masks, repeated per context mask."""
    with torch.no_grad():
        h = target(imgs)
        h = F.layer_norm(h, (h.size(-1),), eps=ln_eps)
        B = len(h)
        h = ref.apply_masks(h, masks_pred)
        return ref.repeat_interleave_batch(h, B, repeat=len(masks_enc))


def ema_update_(encoder, target, m):
    """src/train.py step 3: θ̄ ← m·θ̄ + (1 − m)·θ over encoder.parameters() (pos_embed included, fixed in both)."""
    with torch.no_grad():
        for param_q, param_k in zip(encoder.parameters(), target.parameters()):
            param_k.data.mul_(m).add_((1. - m) * param_q.detach().data)


# --- parity ----------------------------------------------------------------------------------------

def parity(args, ref, dtype):
    with tempfile.TemporaryDirectory(prefix="ijepa-parity-") as tmp:
        trace = args.trace or tmp
        metrics = run_lab(args, trace) if not args.trace else read_metrics(trace)
        initial, meta = load_file(os.path.join(trace, "batches", "initial-weights.safetensors"))
        final, _ = load_file(os.path.join(trace, "weights.safetensors"))
        config = config_from_metadata(meta, "initial-weights.safetensors")
        dims = model_dims(config)
        batches = [load_file(os.path.join(trace, "batches", f"batch-{i:06d}.safetensors"))[0] for i in range(1, config["steps"] + 1)]
        return replay(args, ref, dtype, config, dims, initial, final, batches, metrics)


def read_metrics(trace):
    with open(os.path.join(trace, "metrics.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def replay(args, ref, dtype, config, dims, initial, final, batches, metrics):
    if config["mode"] not in ("jepa", "sparse"):
        raise UsageError(f"--mode {config['mode']}: parity is for jepa and sparse (MAE has no I-JEPA reference)")
    encoder, predictor = reference_models(ref, dims)
    own_pos = {"pos_embed": encoder.pos_embed.detach().numpy().copy(), "predictor_pos_embed": predictor.predictor_pos_embed.detach().numpy().copy()}
    parts = lab_to_reference(initial)
    head = None
    if config["mode"] == "sparse":
        # SparseJEPA: the reference backbone and predictor, then the lab's sparse group head in place of predictor_proj.
        from lab_model import SparseGroupHead
        predictor.predictor_proj = nn.Identity()
        head = SparseGroupHead(dims)
        load_into(head, {k[len("group_head."):]: v for k, v in parts["other"].items() if k.startswith("group_head.")}, "group_head")
    load_into(encoder, parts["encoder"], "context_encoder")
    load_into(predictor, parts["predictor"], "predictor")
    target = copy.deepcopy(encoder)  # src/train.py: target_encoder = copy.deepcopy(encoder)
    load_into(target, parts["target"], "target_encoder")
    for p in target.parameters():
        p.requires_grad = False
    pos_diff = max(float(np.abs(own_pos["pos_embed"] - np.asarray(parts["encoder"]["pos_embed"]).reshape(own_pos["pos_embed"].shape)).max()),
                   float(np.abs(own_pos["predictor_pos_embed"] - np.asarray(parts["predictor"]["predictor_pos_embed"]).reshape(own_pos["predictor_pos_embed"].shape)).max()))
    modules = [encoder, predictor, target] + ([head] if head is not None else [])
    for m in modules:
        m.to(dtype)
    optimizer, scheduler, wd_scheduler = reference_optimiser(ref, encoder, predictor, config)
    sgd_w = None
    if head is not None:
        sgd_w = head_param_groups_(optimizer, head, config)
    momentum = momentum_schedule(config)

    worst = {"loss": (0.0, 0, ""), "schedule": {"lr": 0.0, "wd": 0.0, "ema": 0.0}}
    losses = []
    lam, beta = config["lambda"], config["beta"]
    for i, (batch, lab) in enumerate(zip(batches, metrics)):
        imgs = torch.as_tensor(images_of(batch["patches"], dims)).to(dtype)
        masks_enc = [torch.as_tensor(batch["context"].astype(np.int64))]
        masks_pred = [torch.as_tensor(t.astype(np.int64)) for t in batch["targets"]]
        # src/train.py train_step: the schedules step first, then forward, backward, AdamW, EMA.
        new_lr = scheduler.step()
        new_wd = wd_scheduler.step()
        h = forward_target(ref, target, imgs, masks_pred, masks_enc, args.target_ln_eps)
        z = predictor(encoder(imgs, masks_enc), masks_enc, masks_pred)
        terms = {}
        if head is None:
            terms["predLoss"] = lab_prediction_loss(z, h, config["predictionReduction"])
            terms["loss"] = terms["predLoss"]
        else:
            terms.update(sparse_terms(head, z, h, batch, dims, config, lam, beta, dtype))
        terms["loss"].backward()
        optimizer.step()
        if sgd_w is not None:
            sparse_w_step_(head, config, new_lr, lam)
        optimizer.zero_grad()
        m = next(momentum)
        ema_update_(encoder, target, m)
        row = {k: float(v) for k, v in terms.items()}
        losses.append(row)
        for k, v in row.items():
            d = abs(lab[k] - v) / max(abs(v), 1e-30)
            if d > worst["loss"][0]:
                worst["loss"] = (d, i + 1, k)
        for k, v in (("lr", new_lr), ("wd", new_wd), ("ema", m)):
            worst["schedule"][k] = max(worst["schedule"][k], abs(lab[k] - v))

    ref_final = weights_in_lab_names(encoder, target, predictor, head)
    weight_worst = (0.0, "")
    problems = []
    for name, v in ref_final.items():
        if name not in final:
            problems.append(f"missing {name}")
            continue
        d = relative_diff(final[name], v, name)
        if d > weight_worst[0] or not math.isfinite(d):
            weight_worst = (d, name)
    lab_loss, ref_loss = [r["loss"] for r in metrics], [r["loss"] for r in losses]
    return {
        "mode": config["mode"], "preset": config["preset"], "steps": config["steps"], "seed": config["seed"], "dataset": config["dataset"],
        "dtype": str(dtype).replace("torch.", ""), "tol": args.tol,
        "maxLossDiff": worst["loss"][0], "worstLossStep": worst["loss"][1], "worstLossTerm": worst["loss"][2],
        "maxLossAbsDiff": max(abs(a - b) for a, b in zip(lab_loss, ref_loss)),
        "maxWeightDiff": weight_worst[0], "worstTensor": weight_worst[1],
        "maxScheduleDiff": worst["schedule"], "posEmbedDiff": pos_diff, "problems": problems,
        "loss": {"lab": [lab_loss[0], lab_loss[-1]], "reference": [ref_loss[0], ref_loss[-1]]},
        "ok": worst["loss"][0] <= args.tol and not problems,
    }


def head_param_groups_(optimizer, head, config):
    """SparseJEPA's head beside the reference's groups: μ/log σ² matrices with weight decay (scheduled by
    CosineWDSchedule like the reference's), their biases and b without; W by its own rule (sparse_w_step_)
    unless groupOptimizer is 'adamw' (then in AdamW, no decay: the group lasso is its regulariser)."""
    decay = [head.mu.weight, head.logvar.weight]
    plain = [head.mu.bias, head.logvar.bias, head.b]
    if config["groupOptimizer"] == "adamw":
        plain.append(head.W)
    optimizer.add_param_group({"params": decay, "weight_decay": optimizer.param_groups[0]["weight_decay"]})
    optimizer.add_param_group({"params": plain, "WD_exclude": True, "weight_decay": 0})
    return head.W


def sparse_terms(head, z, h, batch, dims, config, lam, beta, dtype):
    """L = predictionLoss + β·klLoss (+ λ·groupLasso unless proximal), the head on the predictor's [nT·B·Nt, D_p] rows."""
    from lab_config import group_of_patch
    from lab_trainer import group_lasso, kl_loss
    groups = np.asarray(group_of_patch(config["grouping"], dims["grid"]), dtype=np.int64)[batch["targets"].astype(np.int64)].reshape(-1)
    noise = torch.as_tensor(batch["noise"].reshape(-1, batch["noise"].shape[-1])).to(dtype)
    rows = z.reshape(-1, z.shape[-1])
    pred, mu, logvar = head(rows, torch.as_tensor(groups), noise)
    p = lab_prediction_loss(pred.reshape(h.shape), h, config["predictionReduction"])
    kl = kl_loss(mu, logvar)
    penalty = group_lasso(head.W)
    total = p + beta * kl + (0 if config["proximal"] else lam * penalty)
    return {"loss": total, "predLoss": p, "klLoss": kl, "groupPenalty": penalty}


def sparse_w_step_(head, config, lr, lam):
    """W's own step (lab_trainer.TorchTrainer.step_on): plain SGD at η_W = groupLr·lr_t/lr, then the proximal shrink."""
    from lab_trainer import proximal_group_shrink_
    with torch.no_grad():
        group_lr = config["groupLr"] * lr / config["lr"] if config["groupOptimizer"] == "sgd" else lr
        if config["groupOptimizer"] == "sgd":
            head.W.sub_(head.W.grad, alpha=group_lr)
            head.W.grad = None
        if config["proximal"] and lam > 0:
            proximal_group_shrink_(head.W, group_lr * lam)


# --- the reference recipe --------------------------------------------------------------------------

def reference_recipe(args, ref):
    """Train the lab's architecture the reference's way on the lab's data; write weights the lab reads."""
    from lab_config import parse_config
    from lab_data import load_dataset, select_subset
    from lab_trainer import BatchStream
    if not args.out:
        raise UsageError("--recipe reference needs --out DIR")
    overrides = json.loads(args.recipe_config) if args.recipe_config else {}
    config = parse_config({**overrides, "dataset": args.dataset, "preset": args.preset, "mode": "jepa", "steps": args.steps, "seed": args.seed})
    dims = model_dims(config)
    train = select_subset(load_dataset(args.dataset)["train"], config["subset"], config["seed"])
    stream = BatchStream(config, dims, train)
    encoder, predictor = seeded_reference_models(ref, dims, args.seed)
    target = copy.deepcopy(encoder)
    for p in target.parameters():
        p.requires_grad = False
    optimizer, scheduler, wd_scheduler = reference_optimiser(ref, encoder, predictor, config)
    momentum = momentum_schedule(config)
    collator = ref.multiblock.MaskCollator(
        input_size=(dims["imageSize"], dims["imageSize"]), patch_size=dims["patchSize"], enc_mask_scale=tuple(config["contextScale"]),
        pred_mask_scale=tuple(config["targetScale"]), aspect_ratio=tuple(config["targetAspect"]), nenc=1, npred=config["numTargets"],
        min_keep=config["minKeep"], allow_overlap=False)
    os.makedirs(args.out, exist_ok=True)
    rows = []
    with open(os.path.join(args.out, "metrics.jsonl"), "w") as log:
        for step in range(1, config["steps"] + 1):
            batch = stream.next()
            patches = stream.local(batch, 0, 1)["patches"]
            imgs = torch.as_tensor(images_of(patches, dims))
            _, masks_enc, masks_pred = collator([torch.tensor(i) for i in batch["indices"]])
            new_lr, new_wd = scheduler.step(), wd_scheduler.step()
            h = forward_target(ref, target, imgs, masks_pred, masks_enc, 1e-5)
            z = predictor(encoder(imgs, masks_enc), masks_enc, masks_pred)
            loss = F.smooth_l1_loss(z, h)  # src/train.py loss_fn
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            m = next(momentum)
            ema_update_(encoder, target, m)
            value = float(loss)
            if not math.isfinite(value):
                raise RuntimeError(f"the loss became non-finite at step {step}")
            row = {"step": step, "loss": value, "lr": new_lr, "wd": new_wd, "ema": m,
                   "contextKept": int(masks_enc[0].shape[1]), "targetKept": int(masks_pred[0].shape[1])}
            rows.append(row)
            log.write(json.dumps(row) + "\n")
            if args.save_every and step % args.save_every == 0 and step < config["steps"]:
                write_weights(os.path.join(args.out, f"weights-step-{step:06d}.safetensors"), encoder, target, predictor, config, dims, step)
            if step % 50 == 0 or step == 1:
                print(f"reference recipe step {step} smooth-L1 {value:.5f} lr {new_lr:.2e} masks {row['contextKept']}/{row['targetKept']}", file=sys.stderr)
    if args.save_every:
        write_weights(os.path.join(args.out, "weights-step-000000.safetensors"), *initial_copy(args, ref, dims, config))
    write_weights(os.path.join(args.out, "weights.safetensors"), encoder, target, predictor, config, dims, config["steps"])
    return {"recipe": "reference", "out": args.out, "steps": config["steps"], "seed": args.seed, "dataset": args.dataset,
            "loss": [rows[0]["loss"], rows[-1]["loss"]], "weights": os.path.join(args.out, "weights.safetensors")}


def initial_copy(args, ref, dims, config):
    """The recipe's step-0 model again (the same seed, the same init), for the random-init probe floor."""
    encoder, predictor = seeded_reference_models(ref, dims, args.seed)
    return encoder, copy.deepcopy(encoder), predictor, config, dims, 0


def write_weights(path, encoder, target, predictor, config, dims, step):
    """The lab's weights file (train.py weights_bytes): tensors under the lab's names, float32, config and dims in the metadata."""
    tensors = {k: v.astype(np.float32) for k, v in weights_in_lab_names(encoder, target, predictor).items()}
    meta = {"format": WEIGHTS_FORMAT, "config": json.dumps(config, separators=(",", ":")),
            "dims": json.dumps(dims, separators=(",", ":")), "step": str(step),
            "run": json.dumps({"source": "ijepa-reference-recipe", "torch": torch.__version__})}
    save_file(tensors, path, meta)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ijepa", default=os.environ.get("SPARSEJEPA_IJEPA"), help="a facebookresearch/ijepa checkout (default $SPARSEJEPA_IJEPA)")
    ap.add_argument("--dataset", required=True, help="as the lab's --dataset (an archive, a folder, synthetic, counting)")
    ap.add_argument("--preset", default="micro", choices=["micro", "small", "vit-tiny"])
    ap.add_argument("--mode", default="jepa", choices=["jepa", "sparse"])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--recipe", default="lab", choices=["lab", "reference"], help="lab: step parity (default); reference: train the reference's way")
    ap.add_argument("--out", help="--recipe reference: where the weights go")
    ap.add_argument("--recipe-config", help='--recipe reference: lab config fields to change, as JSON, e.g. \'{"lr": 3e-4}\'')
    ap.add_argument("--save-every", type=int, default=0, help="--recipe reference: also write weights every N steps (and at step 0)")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"], help="the reference's precision (default float64)")
    ap.add_argument("--backend", default="wasm", help="the lab's backend for its run (wasm, the lab's default; cpu)")
    ap.add_argument("--trace", help="use a lab trace already written (train --out T --trace-batches T/batches) instead of running the lab")
    ap.add_argument("--target-ln-eps", type=float, default=1e-5, help="eps of the targets' layer norm (src/train.py's F.layer_norm default)")
    ap.add_argument("--lab-flag", action="append", default=[], help="one more flag for the lab's run, e.g. --lab-flag=--lr=5e-4 (repeatable)")
    args = ap.parse_args(argv)
    if args.steps < 1:
        ap.error("--steps must be at least 1")
    try:
        ref = import_reference(args.ijepa)
        torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
        if args.recipe == "reference":
            result = reference_recipe(args, ref)
        else:
            result = parity(args, ref, torch.float64 if args.dtype == "float64" else torch.float32)
    except UsageError as e:
        print(f"ijepa_parity: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0 if result.get("ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
