"""One training step of the lab's model in PyTorch, as src/engine/trainer.ts takes it:

    batch (sampler, crop/flip, masks, noise: the engine's seeded streams)   BatchStream
    L = predictionLoss + β·klLoss (+ λ·groupLasso unless proximal)          loss_terms
        (MAE: L = reconstructionLoss over the masked patches' pixels)
    ∇L (all-reduced by DistributedDataParallel when there are several ranks), ‖∇L‖₂
    AdamW on everything but the group head's W (decay on matrices only)     TorchTrainer.step_on
    W: plain gradient step at η_W,t = groupLr·lr_t/lr (groupOptimizer 'sgd') or AdamW without decay,
       then, with the proximal option, the group soft-threshold by η_W,t·λ
    θ̄ ← m·θ̄ + (1 − m)·θ                                                    (not MAE: no target encoder)

Each rank takes its own contiguous shard of every global batch; every rank draws the whole
batch's indices, augmentations, masks and noise (cheap), so the random streams stay in step and
a shard is exactly the slice of what one process would train on.
"""

import math

import numpy as np
import torch
from torch.nn import functional as F

from lab_config import group_of_patch, js_round
from lab_data import BatchSampler, draw_augmentations, patch_batch
from lab_masks import sample_batch_masks
from lab_init import engine_shape, engine_to_export, export_to_engine, file_name, layout_of
from lab_model import Student, TokenEncoder, no_weight_decay, trained_parameters
from lab_rng import Rng
from vit import TARGET_LN_EPS


class DivergenceError(RuntimeError):
    pass


# --- schedules (schedules.ts) ------------------------------------------------------------------

def learning_rate(step, total, peak, start, final, warmup_steps):
    """Linear warm-up from start to peak, then cosine decay to final (WarmupCosineSchedule)."""
    if step < warmup_steps:
        return start + (peak - start) * step / warmup_steps
    progress = (step - warmup_steps) / max(1, total - warmup_steps)
    return max(final, final + (peak - final) * 0.5 * (1 + math.cos(math.pi * min(1, progress))))


def weight_decay(step, total, wd):
    progress = min(1, step / max(1, total))
    return wd[1] + (wd[0] - wd[1]) * 0.5 * (1 + math.cos(math.pi * progress))


def ema_momentum(step, total, m):
    return m[0] + (min(step, total) * (m[1] - m[0])) / max(1, total)


def schedules_at(config, step, lr_peak):
    """lr, wd, ema and η_W for the step after `step` steps (Trainer.schedulesAt): lr and wd of step + 1,
    as I-JEPA's src/train.py steps its schedulers before each iteration; the momentum at step."""
    c = config
    lr = learning_rate(step + 1, c["steps"], lr_peak, min(c["startLr"], lr_peak), min(c["finalLr"], lr_peak),
                       js_round(c["warmupFraction"] * c["steps"]))
    if c["groupOptimizer"] == "sgd":
        group_lr = c["groupLr"] * lr / lr_peak if lr_peak > 0 else 0
    else:
        group_lr = lr
    return {"lr": lr, "wd": weight_decay(step + 1, c["steps"], c["weightDecay"]),
            "ema": ema_momentum(step, c["steps"], c["emaMomentum"]), "groupLr": group_lr}


# --- batches -----------------------------------------------------------------------------------

class BatchStream:
    """The trainer's four seeded streams: sampler (seed+4), augmentation (seed+1), masks (seed+2),
    reparameterisation noise (seed+3), each drawn for the whole global batch."""

    def __init__(self, config, dims, train):
        s = config["seed"]
        self.config, self.dims, self.train = config, dims, train
        self.data_rng, self.mask_rng, self.noise_rng = Rng(s + 1), Rng(s + 2), Rng(s + 3)
        self.sampler = BatchSampler(train.size, s + 4)
        self.mask_settings = {"grid": dims["grid"], "numTargets": config["numTargets"], "targetScale": config["targetScale"],
                              "targetAspect": config["targetAspect"], "contextScale": config["contextScale"],
                              "minKeep": config["minKeep"], "strategy": config["maskStrategy"], "maskRatio": config["maskRatio"]}
        self.groups = np.asarray(group_of_patch(config["grouping"], dims["grid"]), dtype=np.int64)

    def next(self):
        """The next global batch: indices, augmentations, masks and noise, as numpy."""
        c, B = self.config, self.config["batchSize"]
        indices = self.sampler.next(B)
        context, targets = sample_batch_masks(self.mask_rng, B, self.mask_settings)
        flips, dx, dy = draw_augmentations(self.data_rng, B, c["flip"], c["cropPad"])
        ctx = np.asarray(context, dtype=np.int64)  # [B, Nc]
        tgt = np.asarray(targets, dtype=np.int64)  # [nT, B, Nt]
        noise = None
        if c["mode"] == "sparse":
            M, K = tgt.size, self.dims["latentDim"]
            noise = self.noise_rng.normals(M * K).astype(np.float32).reshape(tgt.shape + (K,))
        return {"indices": indices, "flips": flips, "dx": dx, "dy": dy, "context": ctx, "targets": tgt, "noise": noise}

    def local(self, batch, rank, world):
        """This rank's contiguous slice of a global batch, as numpy: patches, masks, noise."""
        B = len(batch["indices"])
        sl = slice(rank * B // world, (rank + 1) * B // world)
        images = self.train.images[batch["indices"][sl]]
        patches = patch_batch(images, self.config["patchSize"], batch["flips"][sl], batch["dx"][sl], batch["dy"][sl],
                              self.config["cropPad"])
        return {"patches": patches, "context": batch["context"][sl], "targets": batch["targets"][:, sl],
                "noise": None if batch["noise"] is None else batch["noise"][:, sl]}

    def shard(self, local, device):
        """A local slice as the tensors a step takes."""
        return make_shard(local["patches"], local["context"], local["targets"], local["noise"], self.groups, device)

    @property
    def state(self):
        """Where the streams stand: {rng: {data, mask, noise}, sampler: SamplerState} (TrainerState's fields)."""
        return {"rng": {"data": self.data_rng.state, "mask": self.mask_rng.state, "noise": self.noise_rng.state},
                "sampler": self.sampler.state}

    def restore(self, rng, sampler):
        if sampler["size"] != self.train.size:
            raise ValueError(f"the checkpoint was trained on {sampler['size']} images, this dataset has {self.train.size}")
        self.data_rng.state, self.mask_rng.state, self.noise_rng.state = rng["data"], rng["mask"], rng["noise"]
        self.sampler = BatchSampler(sampler["size"], sampler["seed"], sampler["epoch"], sampler["position"])


def make_shard(patches, context, targets, noise, groups, device):
    """patches [b, N, P], context [b, Nc], targets [nT, b, Nt], noise [nT, b, Nt, K] or None → tensors."""
    to = lambda a, dt: torch.as_tensor(np.ascontiguousarray(a), dtype=dt).to(device, non_blocking=True)  # noqa: E731
    tgt = to(targets, torch.int64)
    return {
        "patches": to(patches, torch.float32),
        "context": to(context, torch.int64),
        "targets": tgt,
        "groups": to(groups[targets].reshape(-1), torch.int64),
        "noise": None if noise is None else to(noise.reshape(-1, noise.shape[-1]), torch.float32),
    }


# --- the objective (losses.ts) -----------------------------------------------------------------

def prediction_loss(pred, target, reduction, blocks):
    """(1/M) Σ_i Σ_{j∈B_i} ‖ŝ_j − s_j‖² over M = blocks target blocks ('paper'), or the MSE ('mean')."""
    sq = (pred - target) ** 2
    return sq.sum() / blocks if reduction == "paper" else sq.mean()


def kl_loss(mu, logvar):
    """mean_p KL(N(μ_p, σ_p²) ‖ N(0, I)) = mean_p Σ_k ½(μ² + σ² − 1 − log σ²)."""
    return (0.5 * (mu ** 2 + logvar.exp() - 1 - logvar)).sum(1).mean()


def group_column_norms(W, eps=0.0):
    """‖W^(g)_{·,k}‖₂ for every group and latent, W [G, D, K] → [G, K]."""
    sq = (W ** 2).sum(1)
    return (sq + eps).sqrt() if eps > 0 else sq.sqrt()


def group_lasso(W, eps=1e-12):
    """Σ_g Σ_k ‖W^(g)_{·,k}‖₂ (eps keeps the gradient finite at an exact zero column)."""
    return group_column_norms(W, eps).sum()


def proximal_group_shrink_(W, threshold):
    """Group soft-threshold in place: W_{g,k} ← W_{g,k}·max(0, 1 − t/‖W_{g,k}‖) (oi-VAE's proximal step)."""
    factor = torch.relu(1 - threshold / group_column_norms(W).clamp_min(1e-30))
    W.mul_(factor.unsqueeze(1))


NORM_PIX_EPS = 1e-6  # losses.ts NORM_PIX_EPS


def normalised_pixels(x, eps=NORM_PIX_EPS):
    """MAE's per-patch normalised targets (x − mean) / √(var + ε) over each row's 3·p·p pixels, var unbiased (losses.ts)."""
    mean = x.mean(-1, keepdim=True)
    return (x - mean) / (x.var(-1, keepdim=True, unbiased=True) + eps).sqrt()


def pixel_targets(shard, norm_pix):
    """MAE's targets: the masked patches' pixels (per-patch normalised with maeNormPix), [M, 3·p·p] (model.ts targets)."""
    patches, tgt = shard["patches"], shard["targets"]
    b = patches.shape[0]
    pixels = patches[torch.arange(b, device=patches.device).view(1, b, 1), tgt].reshape(-1, patches.shape[-1])
    return normalised_pixels(pixels) if norm_pix else pixels


def targets_of(target_encoder, shard):
    """s_y: f_θ̄ on the whole image, layer-normalised over features, at the target positions: [M, D]."""
    patches, tgt = shard["patches"], shard["targets"]
    b, N = patches.shape[:2]
    with torch.no_grad():
        full = target_encoder(patches, torch.arange(N, device=patches.device).expand(b, N))
        full = F.layer_norm(full, (full.shape[-1],), eps=TARGET_LN_EPS)
        return full[torch.arange(b, device=patches.device).view(1, b, 1), tgt].reshape(-1, full.shape[-1])


def loss_terms(student, head, target_encoder, shard, config, lam, beta):
    """L = predictionLoss + β·klLoss + λ·groupLasso (λ left out of the gradient with the proximal option);
    MAE (no target encoder): L = reconstructionLoss, the same reduction over the masked patches' pixels."""
    patches, ctx, tgt = shard["patches"], shard["context"], shard["targets"]
    b = patches.shape[0]
    s = pixel_targets(shard, config["maeNormPix"]) if config["mode"] == "mae" else targets_of(target_encoder, shard)
    ctx_patches = patches[torch.arange(b, device=patches.device).view(b, 1), ctx]
    pred, mu, logvar = student(ctx_patches, ctx, tgt, shard["groups"], shard["noise"])
    p = prediction_loss(pred, s, config["predictionReduction"], tgt.shape[0] * b)
    if head is None:
        zero = torch.zeros((), device=p.device)
        return {"total": p, "pred": p, "kl": zero, "penalty": zero}
    kl = kl_loss(mu, logvar)
    penalty = group_lasso(head.W)
    total = p + beta * kl
    if not config["proximal"]:
        total = total + lam * penalty
    return {"total": total, "pred": p, "kl": kl, "penalty": penalty}


# --- the trainer -------------------------------------------------------------------------------

class TorchTrainer:
    """The lab's Trainer over PyTorch modules. `state`: tensors in the file's names and layout (the
    initial weights); `wrap`: e.g. DistributedDataParallel, applied to the Student."""

    def __init__(self, config, dims, device, state, wrap=None, reduce=None):
        self.config, self.dims, self.device = config, dims, device
        self.student = Student(dims, config["mode"]).to(device)
        self.target = None if config["mode"] == "mae" else TokenEncoder(dims).to(device)  # MAE: no f_θ̄
        for p in self.target.parameters() if self.target is not None else ():
            p.requires_grad_(False)
        load_state(self.student, self.target, state)
        self.model = wrap(self.student) if wrap else self.student
        self.reduce = reduce  # averages a tensor over ranks (None: one process)
        self.head = self.student.group_head
        self.hyper = {"lambda": config["lambda"], "beta": config["beta"], "lr": config["lr"]}
        self.steps = 0
        self.images_seen = 0
        self.sgd_w = self.head.W if self.head is not None and config["groupOptimizer"] == "sgd" else None
        decay, plain = [], []
        for name, p in trained_parameters(self.student):
            if p is self.sgd_w:
                continue
            (plain if no_weight_decay(name, p) else decay).append(p)
        self.adamw = torch.optim.AdamW([{"params": decay}, {"params": plain, "weight_decay": 0.0}],
                                       lr=config["lr"], betas=(0.9, 0.999), eps=1e-8)
        self.adamw_names = [n for n, p in trained_parameters(self.student) if p is not self.sgd_w]

    def schedules(self):
        return schedules_at(self.config, self.steps, self.hyper["lr"])

    def step_on(self, shard):
        """One optimisation step on this rank's shard; returns the engine's StepMetrics fields
        (all but epoch and imgPerSec). Raises DivergenceError, applying nothing, on a non-finite loss or gradient."""
        c, lam, beta = self.config, self.hyper["lambda"], self.hyper["beta"]
        sch = self.schedules()
        terms = loss_terms(self.model, self.head, self.target, shard, c, lam, beta)
        self.adamw.zero_grad(set_to_none=True)
        if self.sgd_w is not None:
            self.sgd_w.grad = None
        terms["total"].backward()  # under DDP, the gradients arrive averaged over ranks
        trained = [p for _, p in trained_parameters(self.student)]
        grad_sq = torch.stack([(p.grad.float() ** 2).sum() for p in trained]).sum()
        values = torch.stack([terms[k].detach() for k in ("total", "pred", "kl", "penalty")])
        if self.reduce:
            values = self.reduce(values)  # the loss of the whole global batch
        loss, pred, kl, penalty = values.tolist()
        grad_norm_sq = float(grad_sq)
        if not (math.isfinite(loss) and math.isfinite(grad_norm_sq)):
            what = "the gradient" if math.isfinite(loss) else "the loss"
            raise DivergenceError(f"{what} became non-finite at step {self.steps + 1} (loss {loss}); the step was not applied. "
                                  f"Try a lower learning rate (now {self.hyper['lr']}) or smaller λ/β (now {lam}/{beta}).")
        for g in self.adamw.param_groups:
            g["lr"] = sch["lr"]
        self.adamw.param_groups[0]["weight_decay"] = sch["wd"]
        self.adamw.step()
        with torch.no_grad():
            if self.sgd_w is not None:  # oi-VAE: W ← prox_{η_W λ}(W − η_W ∇W)
                self.sgd_w.sub_(self.sgd_w.grad, alpha=sch["groupLr"])
            if self.head is not None and c["proximal"] and lam > 0:
                proximal_group_shrink_(self.head.W, sch["groupLr"] * lam)
            m = sch["ema"]
            for pt, pc in zip(self.target.parameters() if self.target is not None else (), self.student.context_encoder.parameters()):
                pt.mul_(m).add_(pc, alpha=1 - m)
        self.steps += 1
        self.images_seen += c["batchSize"]
        metrics = {"step": self.steps, "loss": loss, "predLoss": pred, "klLoss": kl, "groupPenalty": penalty,
                   "gradNorm": math.sqrt(grad_norm_sq), "lr": sch["lr"], "wd": sch["wd"],
                   "ema": sch["ema"] if self.target is not None else None}  # None: no EMA target (the lab's metrics.jsonl null)
        if self.head is not None:
            metrics["groupLr"] = sch["groupLr"]
        metrics["contextKept"] = int(shard["context"].shape[1])
        metrics["targetKept"] = int(shard["targets"].shape[2])
        metrics["lambda"], metrics["beta"] = lam, beta
        return metrics

    def group_norms(self):
        """{groupNorms: G lists of K norms, zeroShare} (sparse mode), as Trainer.groupNorms."""
        norms = group_column_norms(self.head.W.detach()).cpu().numpy().astype(np.float32)
        return {"groupNorms": norms.tolist(), "zeroShare": float((norms < self.config["zeroThreshold"]).mean())}

    def weights(self):
        """Every tensor under the lab's name and in the file's layout, in the engine's export order."""
        out = {"target_encoder." + k: v for k, v in self.target.state_dict().items()} if self.target is not None else {}
        out.update(self.student.state_dict())
        return {k: v.detach().cpu().numpy().astype(np.float32) for k, v in out.items()}

    # checkpoints: the lab's TrainerState (io/checkpoint.ts), tensors in the engine's layout
    def trainer_state(self, streams):
        """The lab's TrainerState (io/checkpoint.ts) and its tensors; `streams` is BatchStream.state after the last batch trained."""
        tensors = {k: engine_shape(export_to_engine(layout_of(file_name(k)), v)) for k, v in self.weights().items()}
        params = dict(trained_parameters(self.student))
        adam_step = 0
        for name in self.adamw_names:
            st = self.adamw.state.get(params[name], {})
            layout = layout_of(name)
            for key, moment in (("m", "exp_avg"), ("v", "exp_avg_sq")):
                value = st[moment].detach().cpu().numpy() if moment in st else np.zeros(tuple(params[name].shape), np.float32)
                tensors[f"adam.{key}.{name}"] = engine_shape(export_to_engine(layout, value.astype(np.float32)))
            if "step" in st:
                adam_step = int(st["step"])
        state = {"config": self.config, "step": self.steps, "imagesSeen": self.images_seen, "hyper": dict(self.hyper),
                 "rng": streams["rng"], "sampler": streams["sampler"], "adamStep": adam_step}
        return state, tensors

    def restore(self, state, tensors, stream):
        """Continue from a TrainerState whose weights this trainer was built from: the AdamW moments,
        the counters, λ/β/lr and the random streams (the caller checked it is the same run)."""
        params = dict(trained_parameters(self.student))
        t = int(state["adamStep"])
        for name in self.adamw_names:
            p = params[name]
            moment = lambda key: torch.as_tensor(engine_to_export(layout_of(name), tensors[f"adam.{key}.{name}"], self.dims)  # noqa: E731
                                                 ).to(self.device).reshape(p.shape).clone()
            self.adamw.state[p] = {"step": torch.tensor(float(t)), "exp_avg": moment("m"), "exp_avg_sq": moment("v")}
        self.steps, self.images_seen = int(state["step"]), int(state["imagesSeen"])
        self.hyper = {k: float(state["hyper"][k]) for k in ("lambda", "beta", "lr")}
        if stream is not None:
            stream.restore(state["rng"], state["sampler"])


def load_state(student, target, state):
    """Load file-layout tensors into the student and the target encoder (checked with check_state first;
    the engine's leading-1 shapes of pos_embed and mask_token are reshaped)."""
    with torch.no_grad():
        own = {"target_encoder." + k: v for k, v in target.state_dict().items()} if target is not None else {}
        own.update(student.state_dict())
        for name, t in own.items():
            value = np.asarray(state[name], dtype=np.float32)
            if value.size != t.numel():
                raise ValueError(f"{name}: {value.size} values for a tensor of shape {list(t.shape)}")
            t.copy_(torch.as_tensor(value).reshape(t.shape))
