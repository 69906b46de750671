#!/usr/bin/env python3
"""Time SparseJEPA Lab's training step in plain PyTorch, for `npm run bench` and scripts/gpu-bench.sh.

    /usr/bin/python3 interop/pytorch/bench_step.py --spec '{"dims": {...}, "config": {...},
        "masks": [[Nc, Nt], ...], "warmup": 2, "threads": 1}' [--device cpu|cuda]
    python3 interop/pytorch/bench_step.py --matmul 2048,192,768 --device cuda   # plain fp32 matmul GFLOP/s

The same architecture and step as the lab's engine (src/engine/model.ts, trainer.ts):

- context encoder (the ViT of vit.py's blocks) on the Nc context tokens of each image,
- EMA target encoder on all N tokens, layer-normalised, gathered at the target positions, no grad,
- predictor (width D_p, its own depth) over the context tokens plus one mask token per target
  position, each of the nT target blocks in its own pass (the batch repeated nT times),
- sparse group head (μ, log σ², reparameterised u, routed to its group's W^(g), bias b^(g)) or the
  JEPA linear head; the prediction term reduced as config.predictionReduction says ('paper': the
  squared error summed over a block's tokens and features, averaged over blocks; 'mean': MSE)
  + β·KL + λ·group lasso (λ left out of the loss with config.proximal),
- the parameter groups of the lab after issue 12: AdamW (decay on matrices only, not on W) for
  everything but W; W (config.groupOptimizer 'sgd') plain gradient steps at groupLr·lr_t/lr with
  the group soft-threshold by η_W·λ after it when proximal; W from N(0, 1) (groupInit unitNormal),
- then the EMA update of the target encoder,
- the loss terms and ‖∇‖² read back one step late, as the lab's loop does (its finite check of
  step t arrives while step t+1 runs): no step waits for its own read-back.

On CUDA the products are fp32 (TF32 off), as the lab's WebGPU kernels are; a step's time is the
time between the ends of consecutive steps once the first has been waited for.

`masks` gives the (Nc, Nt) of every step: the bench passes the counts the lab's own mask
sampler drew, so both sides process the same token counts. Positions are drawn at random here
(the cost does not depend on which positions). Prints one JSON line on stdout.
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from vit import LN_EPS, TARGET_LN_EPS, Block, ViTConfig  # noqa: E402


class TokenEncoder(nn.Module):
    """vit.VisionTransformer over a subset of patch tokens: [B, T, P] patches + [B, T] positions."""

    def __init__(self, cfg: ViTConfig):
        super().__init__()
        patch_dim = cfg.in_chans * cfg.patch_size * cfg.patch_size
        # A Conv2d with kernel = stride = p is this Linear on flattened patches (as the lab computes it).
        self.patch_embed = nn.Linear(patch_dim, cfg.embed_dim)
        self.register_buffer("pos_embed", torch.randn(cfg.num_patches, cfg.embed_dim) * 0.02)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.depth)])
        self.norm = nn.LayerNorm(cfg.embed_dim, eps=LN_EPS)

    def forward(self, patches, pos):
        x = self.patch_embed(patches) + self.pos_embed[pos]
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


class Predictor(nn.Module):
    def __init__(self, dims: dict, mlp_ratio: float):
        super().__init__()
        D, Dp = dims["embedDim"], dims["predictorDim"]
        cfg = ViTConfig(embed_dim=Dp, depth=dims["predictorDepth"], heads=dims["predictorHeads"],
                        patch_size=dims["patchSize"], num_patches=dims["numPatches"], mlp_ratio=mlp_ratio)
        self.embed = nn.Linear(D, Dp)
        self.mask_token = nn.Parameter(torch.randn(Dp) * 0.02)
        self.register_buffer("pos_embed", torch.randn(dims["numPatches"], Dp) * 0.02)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.depth)])
        self.norm = nn.LayerNorm(Dp, eps=LN_EPS)

    def forward(self, ctx, ctx_pos, tgt_pos):
        # ctx [B, Nc, D], ctx_pos [B, Nc], tgt_pos [nT, B, Nt]
        nT, B, Nt = tgt_pos.shape
        Nc = ctx.shape[1]
        c = self.embed(ctx) + self.pos_embed[ctx_pos]  # [B, Nc, Dp]
        c = c.unsqueeze(0).expand(nT, -1, -1, -1)
        q = self.mask_token + self.pos_embed[tgt_pos]  # [nT, B, Nt, Dp]
        x = torch.cat([c, q], dim=2).reshape(nT * B, Nc + Nt, -1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x[:, Nc:])  # [nT·B, Nt, Dp]


class SparseGroupHead(nn.Module):
    def __init__(self, dims: dict, unit_normal: bool):
        super().__init__()
        Dp, K, G, D = dims["predictorDim"], dims["latentDim"], dims["numGroups"], dims["embedDim"]
        self.G, self.K = G, K
        self.mu = nn.Linear(Dp, K)
        self.logvar = nn.Linear(Dp, K)
        # The lab's [G, K, D] layout; N(0, 1) as oi-VAE (groupInit 'unitNormal'), else std 0.02.
        self.W = nn.Parameter(torch.randn(G, K, D) * (1.0 if unit_normal else 0.02))
        self.b = nn.Parameter(torch.zeros(G, D))

    def forward(self, h, one_hot, noise):
        M = h.shape[0]
        mu, logvar = self.mu(h), self.logvar(h)
        u = mu + torch.exp(0.5 * logvar) * noise
        routed = (one_hot.unsqueeze(2) * u.unsqueeze(1)).reshape(M, self.G * self.K)
        pred = routed @ self.W.reshape(self.G * self.K, -1) + one_hot @ self.b
        return pred, mu, logvar


def linear_as_conv1x1(self, x):
    """nn.Linear computed as a 1×1 convolution: the same product, run by oneDNN (MKL-DNN). Debian's
    torch is built with the generic reference BLAS (≈3 GFLOP/s for a matMul on one core here),
    while its convolutions go through oneDNN (≈25–35 GFLOP/s), so this is PyTorch at its best here."""
    lead, d_in = x.shape[:-1], x.shape[-1]
    w = self.weight.reshape(self.out_features, d_in, 1, 1)
    y = nn.functional.conv2d(x.reshape(-1, d_in, 1, 1), w, self.bias)
    return y.reshape(*lead, self.out_features)


def param_groups(modules, W):
    """The AdamW group: decay on matrices (not W, not the mask token), none on vectors."""
    decay, no_decay = [], []
    for m in modules:
        for name, p in m.named_parameters():
            if not p.requires_grad or p is W:
                continue
            (decay if p.ndim > 1 and name != "mask_token" else no_decay).append(p)
    return [{"params": decay, "weight_decay": 0.04}, {"params": no_decay, "weight_decay": 0.0}]


def time_matmul(shape, device, reps=20, warmup=3):
    """Plain fp32 A[m,k] × B[k,n] on the device: median GFLOP/s over reps (TF32 off)."""
    m, k, n = shape
    a = torch.randn(m, k, device=device)
    b = torch.randn(k, n, device=device)
    times = []
    for i in range(warmup + reps):
        sync(device)
        t0 = time.perf_counter()
        for _ in range(10):
            c = a @ b
        sync(device)
        if i >= warmup:
            times.append((time.perf_counter() - t0) / 10)
        del c
    med = statistics.median(times)
    return {"shape": [m, k, n], "medianMs": round(med * 1e3, 4), "gflops": 2 * m * k * n / med / 1e9, "reps": reps}


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def describe_device(device):
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return "cpu"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", help="JSON: dims, config, masks [[Nc, Nt], ...], warmup, threads, linears")
    ap.add_argument("--matmul", help="m,k,n: time a plain fp32 matmul instead of the step")
    ap.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    args = ap.parse_args()
    if args.device not in ("cpu", "cuda") and not args.device.startswith("cuda:"):
        raise SystemExit(f"--device must be cpu or cuda, got {args.device!r}")
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no CUDA device")
    device = torch.device(args.device)
    # fp32 products, as the lab's (TF32 would change the arithmetic, not only the speed).
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if args.matmul:
        shape = [int(x) for x in args.matmul.split(",")]
        if len(shape) != 3 or min(shape) < 1:
            raise SystemExit(f"--matmul must be m,k,n, got {args.matmul!r}")
        print(json.dumps({"ok": True, "torch": torch.__version__, "device": describe_device(device), "matmul": time_matmul(shape, device)}))
        return
    if not args.spec:
        raise SystemExit("give --spec or --matmul")
    spec = json.loads(args.spec)
    dims, config, masks = spec["dims"], spec["config"], spec["masks"]
    warmup, threads = int(spec.get("warmup", 2)), int(spec.get("threads", 1))
    # "blas": nn.Linear as shipped (addmm on torch's BLAS; cuBLAS on CUDA); "onednn": every nn.Linear as a 1×1 conv.
    linears = spec.get("linears", "blas")
    if linears == "onednn":
        nn.Linear.forward = linear_as_conv1x1
    elif linears != "blas":
        raise SystemExit(f"linears must be 'blas' or 'onednn', got {linears!r}")
    if device.type == "cpu":
        torch.set_num_threads(threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
    torch.manual_seed(int(config.get("seed", 0)))

    mlp_ratio = float(dims.get("mlpRatio", 4))
    enc_cfg = ViTConfig(embed_dim=dims["embedDim"], depth=dims["depth"], heads=dims["heads"],
                        patch_size=dims["patchSize"], num_patches=dims["numPatches"], mlp_ratio=mlp_ratio)
    sparse = config.get("mode", "sparse") == "sparse"
    context = TokenEncoder(enc_cfg)
    target = TokenEncoder(enc_cfg)
    target.load_state_dict(context.state_dict())
    for p in target.parameters():
        p.requires_grad_(False)
    predictor = Predictor(dims, mlp_ratio)
    head = SparseGroupHead(dims, config.get("groupInit", "unitNormal") == "unitNormal") if sparse else nn.Linear(dims["predictorDim"], dims["embedDim"])
    for m in (context, target, predictor, head):
        m.to(device)
    trained = [context, predictor, head]
    lr = float(config.get("lr", 1e-3))
    sgd_w = sparse and config.get("groupOptimizer", "sgd") == "sgd"
    W = head.W if sparse else None
    groups = param_groups(trained, W)
    if sparse and not sgd_w:
        groups.append({"params": [W], "weight_decay": 0.0})  # 'adamw': Adam moments, no decay
    opt = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    eta_w = float(config.get("groupLr", 1e-2))  # η_W,t = groupLr·lr_t/lr; the bench holds lr_t = lr
    lam, beta, ema = float(config.get("lambda", 1e-3)), float(config.get("beta", 1e-4)), 0.996
    proximal = bool(config.get("proximal", False))
    paper = config.get("predictionReduction", "paper") == "paper"

    B, N, P = int(config["batchSize"]), dims["numPatches"], 3 * dims["patchSize"] ** 2
    nT, G, K, D = int(config.get("numTargets", 4)), dims["numGroups"], dims["latentDim"], dims["embedDim"]
    times = []
    pending = None  # the previous step's loss terms and ‖∇‖², read back a step late

    def check(values, step):
        loss, pred, grad_sq = values.tolist()
        if not all(map(lambda v: v == v and abs(v) != float("inf"), (loss, pred, grad_sq))):
            raise SystemExit(f"non-finite loss at step {step}")

    sync(device)
    last = time.perf_counter()
    for i, (Nc, Nt) in enumerate(masks):
        patches = torch.randn(B, N, P, device=device)
        ctx_pos = torch.stack([torch.randperm(N)[:Nc] for _ in range(B)]).to(device)
        tgt_pos = torch.stack([torch.stack([torch.randperm(N)[:Nt] for _ in range(B)]) for _ in range(nT)]).to(device)
        one_hot = torch.nn.functional.one_hot(tgt_pos.reshape(-1) % G, G).float()
        noise = torch.randn(nT * B * Nt, K, device=device) if sparse else None

        with torch.no_grad():
            full = target(patches, torch.arange(N, device=device).expand(B, N))
            full = nn.functional.layer_norm(full, (D,), eps=TARGET_LN_EPS)
            s = full[torch.arange(B, device=device).view(1, B, 1), tgt_pos].reshape(nT * B * Nt, D)
        ctx_patches = patches[torch.arange(B, device=device).view(B, 1), ctx_pos]
        ctx = context(ctx_patches, ctx_pos)
        h = predictor(ctx, ctx_pos, tgt_pos).reshape(nT * B * Nt, -1)
        if sparse:
            pred_out, mu, logvar = head(h, one_hot, noise)
        else:
            pred_out = head(h)
        sq = (pred_out - s) ** 2
        pred_loss = sq.sum() / (nT * B) if paper else sq.mean()
        loss = pred_loss
        if sparse:
            kl = (0.5 * (mu ** 2 + logvar.exp() - 1 - logvar)).sum(1).mean()
            penalty = (W.pow(2).sum(2) + 1e-12).sqrt().sum()
            loss = loss + beta * kl
            if not proximal:
                loss = loss + lam * penalty
        opt.zero_grad(set_to_none=True)
        if W is not None:
            W.grad = None
        loss.backward()
        grad_sq = sum((p.grad ** 2).sum() for m in trained for p in m.parameters() if p.grad is not None)
        values = torch.stack([loss.detach(), pred_loss.detach(), grad_sq])
        opt.step()
        with torch.no_grad():
            if sgd_w:
                W -= eta_w * W.grad  # W's own group: a plain gradient step, no decay
            if sparse and proximal and lam > 0:
                t = (eta_w if sgd_w else lr) * lam
                norms = W.pow(2).sum(2, keepdim=True).sqrt()
                W.mul_(torch.clamp(1 - t / norms.clamp_min(1e-30), min=0))
            for pt, pc in zip(target.parameters(), context.parameters()):
                pt.mul_(ema).add_(pc, alpha=1 - ema)
        if pending is not None:
            check(*pending)  # step i−1's read-back, with step i queued behind it
        pending = (values, i + 1)
        now = time.perf_counter()
        times.append(now - last)
        last = now
    check(*pending)

    timed = times[warmup:] or times
    med = statistics.median(timed)
    blas = "unknown"
    for part in torch.__config__.show().replace(",", "\n").split("\n"):
        if "BLAS_INFO" in part:
            blas = part.split("=")[-1].strip()
    print(json.dumps({
        "ok": True,
        "torch": torch.__version__,
        "blas": blas,
        "device": describe_device(device),
        "linears": linears,
        "threads": torch.get_num_threads(),
        "steps": len(timed),
        "warmup": min(warmup, len(times)),
        "stepMs": [round(t * 1e3, 2) for t in timed],
        "medianStepMs": round(med * 1e3, 2),
        "imgPerSec": B / med,
    }))


if __name__ == "__main__":
    main()
