"""The lab's JEPA / SparseJEPA model in PyTorch, with the lab's parameter names and layouts
(src/engine/model.ts, encoder.ts, predictor.ts, heads.ts), so its state dict is the lab's
.safetensors file and back:

    Student (what gradients train)                       target_encoder (EMA copy, no gradients)
      context_encoder.  TokenEncoder: patch_embed, pos_embed (fixed), blocks.{i}, norm
      predictor.        predictor_embed, mask_token, predictor_pos_embed (fixed), predictor_blocks.{i},
                        predictor_norm, and predictor_proj (JEPA's linear head)
      group_head.       mu, logvar, W [G, D, K], b [G, D] (SparseJEPA's sparse group head)

Tokens are kept as [images, tokens, features]; positions index the 2-D sin-cos tables.
`engine_init_state` reproduces the engine's seeded initial weights value for value.
"""

import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from lab_rng import Rng
from vit import LN_EPS, Block, ViTConfig


def sincos_2d(dim, grid):
    """[grid², dim] fixed 2-D sin-cos embedding (posEmbed.ts): first half columns, second half rows."""
    if dim % 4:
        raise ValueError(f"2-D sin-cos position embedding needs a width divisible by 4, got {dim}")
    half = dim // 4  # each 1-D embedding has dim/2 entries: half sines, half cosines
    omega = 1 / np.power(10000.0, np.arange(half) / half)
    rows, cols = np.divmod(np.arange(grid * grid), grid)

    def one_d(pos):
        a = pos[:, None] * omega[None, :]
        return np.concatenate([np.sin(a), np.cos(a)], axis=1)

    return np.concatenate([one_d(cols), one_d(rows)], axis=1).astype(np.float32)


class PatchEmbed(nn.Module):
    """A Conv2d with kernel = stride = p (its weight [D, 3, p, p] is what the file holds), applied
    as the Linear it equals on patches flattened in (channel, row, column) order."""

    def __init__(self, patch_dim, dim, p):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=p, stride=p)

    def forward(self, patches):
        return F.linear(patches, self.proj.weight.flatten(1), self.proj.bias)


def _blocks(dims, width, depth):
    cfg = ViTConfig(embed_dim=width, depth=depth, heads=dims["heads"], patch_size=dims["patchSize"],
                    num_patches=dims["numPatches"], mlp_ratio=dims["mlpRatio"])
    return nn.ModuleList([Block(cfg) for _ in range(depth)])


class TokenEncoder(nn.Module):
    """The ViT encoder f_θ over any subset of an image's patches: [B, T, 3·p·p] at positions [B, T] → [B, T, D]."""

    def __init__(self, dims):
        super().__init__()
        D = dims["embedDim"]
        self.patch_embed = PatchEmbed(dims["patchDim"], D, dims["patchSize"])
        self.register_buffer("pos_embed", torch.from_numpy(sincos_2d(D, dims["grid"]))[None])
        self.blocks = _blocks(dims, D, dims["depth"])
        self.norm = nn.LayerNorm(D, eps=LN_EPS)

    def forward(self, patches, pos):
        x = self.patch_embed(patches) + self.pos_embed[0][pos]
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


class Predictor(nn.Module):
    """g_φ: context tokens plus one mask token per target position; each target block in its own pass."""

    def __init__(self, dims, linear_head):
        super().__init__()
        D, Dp = dims["embedDim"], dims["predictorDim"]
        self.predictor_embed = nn.Linear(D, Dp)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, Dp))
        self.register_buffer("predictor_pos_embed", torch.from_numpy(sincos_2d(Dp, dims["grid"]))[None])
        self.predictor_blocks = _blocks(dims, Dp, dims["predictorDepth"])
        self.predictor_norm = nn.LayerNorm(Dp, eps=LN_EPS)
        self.predictor_proj = nn.Linear(Dp, D) if linear_head else None  # JEPA: ŝ = h A + a

    def forward(self, ctx, ctx_pos, tgt_pos):
        """ctx [B, Nc, D] at ctx_pos [B, Nc]; tgt_pos [nT, B, Nt] → h [nT·B·Nt, D_p] (block-major, then image)."""
        nT, B, Nt = tgt_pos.shape
        Nc = ctx.shape[1]
        pos = self.predictor_pos_embed[0]
        c = (self.predictor_embed(ctx) + pos[ctx_pos]).unsqueeze(0).expand(nT, -1, -1, -1)
        q = self.mask_token[0, 0] + pos[tgt_pos]  # [nT, B, Nt, Dp]
        x = torch.cat([c, q], dim=2).reshape(nT * B, Nc + Nt, -1)
        for blk in self.predictor_blocks:
            x = blk(x)
        return self.predictor_norm(x[:, Nc:].reshape(nT * B * Nt, -1))


class SparseGroupHead(nn.Module):
    """μ_p = h_p A_μ, log σ²_p = h_p A_σ, u_p = μ_p + σ_p ⊙ ε, ŝ_p = W^(g(p)) u_p + b^(g(p)) (heads.ts)."""

    def __init__(self, dims):
        super().__init__()
        Dp, K, G, D = dims["predictorDim"], dims["latentDim"], dims["numGroups"], dims["embedDim"]
        self.mu = nn.Linear(Dp, K)
        self.logvar = nn.Linear(Dp, K)
        self.W = nn.Parameter(torch.zeros(G, D, K))  # the paper's W^(g) ∈ R^{D×K}
        self.b = nn.Parameter(torch.zeros(G, D))

    def forward(self, h, groups, noise):
        """h [M, D_p], groups [M] = g(p) of each target token, noise ε [M, K] or None (evaluation: u = μ)."""
        mu, logvar = self.mu(h), self.logvar(h)
        u = mu + torch.exp(0.5 * logvar) * noise if noise is not None else mu
        G, D, K = self.W.shape
        # u_p in its group's K slots, then one product with all of W (as the engine computes it).
        routed = torch.zeros(h.shape[0], G, K, dtype=u.dtype, device=u.device)
        routed[torch.arange(h.shape[0], device=u.device), groups] = u
        pred = routed.reshape(-1, G * K) @ self.W.transpose(1, 2).reshape(G * K, D) + self.b[groups]
        return pred, mu, logvar


class Student(nn.Module):
    """Everything gradients train: θ (context encoder), φ (predictor) and the head. The module
    DistributedDataParallel wraps; the EMA target encoder stays outside it."""

    def __init__(self, dims, mode):
        super().__init__()
        self.context_encoder = TokenEncoder(dims)
        self.predictor = Predictor(dims, linear_head=mode == "jepa")
        self.group_head = SparseGroupHead(dims) if mode == "sparse" else None

    def forward(self, ctx_patches, ctx_pos, tgt_pos, groups, noise):
        """ŝ at every target position from the context patches only; (pred, mu, logvar), mu/logvar None for JEPA."""
        h = self.predictor(self.context_encoder(ctx_patches, ctx_pos), ctx_pos, tgt_pos)
        if self.group_head is None:
            return self.predictor.predictor_proj(h), None, None
        return self.group_head(h, groups, noise)


def trained_parameters(student):
    """(name, parameter) of what the optimisers update, named as in the weights file."""
    return [(n, p) for n, p in student.named_parameters() if p.requires_grad]


def no_weight_decay(name, p):
    """The engine's rule (params.ts, heads.ts): decay on matrices only; not on biases, norms, the mask
    token, the group head's b, nor its W (the group lasso is W's only regulariser)."""
    return p.ndim < 2 or name.endswith("mask_token") or name in ("group_head.b", "group_head.W")


# --- the engine's layouts and its seeded init ------------------------------------------------------

def engine_to_export(kind, a, dims):
    """A tensor in the engine's own layout (params.ts Layout) → the file's (PyTorch) layout."""
    if kind == "linear":  # [in, out] → [out, in]
        return np.ascontiguousarray(a.T)
    if kind == "patch":  # [(c, y, x), D] → [D, 3, p, p]
        p = dims["patchSize"]
        return np.ascontiguousarray(a.T).reshape(a.shape[1], 3, p, p)
    if kind == "groupW":  # [G, K, D] → [G, D, K]
        return np.ascontiguousarray(a.transpose(0, 2, 1))
    return a


def export_to_engine(kind, a):
    """The file's layout → the engine's (the inverse of engine_to_export)."""
    if kind == "linear":
        return np.ascontiguousarray(a.T)
    if kind == "patch":
        return np.ascontiguousarray(a.reshape(a.shape[0], -1).T)
    if kind == "groupW":
        return np.ascontiguousarray(a.transpose(0, 2, 1))
    return a


def layout_of(name):
    """The engine's layout of a parameter, by its file name."""
    if name.endswith("patch_embed.proj.weight"):
        return "patch"
    if name == "group_head.W":
        return "groupW"
    if name.endswith(".weight") and "norm" not in name.rsplit(".", 2)[-2]:
        return "linear"
    return "same"


def engine_init_state(config, dims):
    """The engine's initial weights for this config and seed (model.ts, params.ts), in the file's
    layout and names: every draw taken from Rng(seed) in the order the engine takes it."""
    rng = Rng(config["seed"])
    out = {}

    def trunc(shape, std):
        return (rng.trunc_normals(int(np.prod(shape))) * std).astype(np.float32).reshape(shape)

    def linear(prefix, d_in, d_out, std=0.02):
        out[prefix + ".weight"] = engine_to_export("linear", trunc((d_in, d_out), std), dims)
        out[prefix + ".bias"] = np.zeros(d_out, np.float32)

    def norm(prefix, d):
        out[prefix + ".weight"] = np.ones(d, np.float32)
        out[prefix + ".bias"] = np.zeros(d, np.float32)

    def blocks(prefix, depth, d):
        r = dims["mlpRatio"]
        for i in range(depth):
            n = f"{prefix}.{i}"
            rescale = 0.02 / math.sqrt(2 * (i + 1))  # I-JEPA's fix_init_weight
            norm(n + ".norm1", d)
            linear(n + ".attn.qkv", d, 3 * d)
            linear(n + ".attn.proj", d, d, rescale)
            norm(n + ".norm2", d)
            linear(n + ".mlp.fc1", d, r * d)
            linear(n + ".mlp.fc2", r * d, d, rescale)

    D, Dp, N, grid = dims["embedDim"], dims["predictorDim"], dims["numPatches"], dims["grid"]
    c = "context_encoder."
    out[c + "patch_embed.proj.weight"] = engine_to_export("patch", trunc((dims["patchDim"], D), dims["patchEmbedStd"]), dims)
    out[c + "patch_embed.proj.bias"] = np.zeros(D, np.float32)
    out[c + "pos_embed"] = sincos_2d(D, grid)[None]
    blocks(c + "blocks", dims["depth"], D)
    norm(c + "norm", D)

    p = "predictor."
    linear(p + "predictor_embed", D, Dp)
    out[p + "mask_token"] = trunc((Dp,), 0.02).reshape(1, 1, Dp)
    out[p + "predictor_pos_embed"] = sincos_2d(Dp, grid)[None]
    blocks(p + "predictor_blocks", dims["predictorDepth"], Dp)
    norm(p + "predictor_norm", Dp)

    if config["mode"] == "sparse":
        K, G = dims["latentDim"], dims["numGroups"]
        linear("group_head.mu", Dp, K)
        linear("group_head.logvar", Dp, K)
        if config.get("groupInit", "truncNormal") == "unitNormal":  # oi-VAE's N(0, 1)
            w = rng.normals(G * K * D).astype(np.float32).reshape(G, K, D)
        else:
            w = trunc((G, K, D), 0.02)
        out["group_head.W"] = engine_to_export("groupW", w, dims)
        out["group_head.b"] = np.zeros((G, D), np.float32)
    else:
        linear(p + "predictor_proj", Dp, D)
    # θ̄ starts as a copy of θ (the engine draws its own init first and overwrites it).
    for k in [k for k in out if k.startswith(c)]:
        out["target_encoder." + k[len(c):]] = out[k].copy()
    return out
