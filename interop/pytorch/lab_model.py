"""The lab's JEPA / SparseJEPA model in PyTorch, with the lab's parameter names and layouts
(src/engine/model.ts, encoder.ts, predictor.ts, heads.ts), so its state dict is the lab's
.safetensors file and back:

    Student (what gradients train)                       target_encoder (EMA copy, no gradients)
      context_encoder.  TokenEncoder: patch_embed, pos_embed (fixed), blocks.{i}, norm
      predictor.        predictor_embed, mask_token, predictor_pos_embed (fixed), predictor_blocks.{i},
                        predictor_norm, and predictor_proj (JEPA's linear head)
      group_head.       mu, logvar, W [G, D, K], b [G, D] (SparseJEPA's sparse group head)
    MAE: context_encoder, then decoder. (the predictor's architecture under MAE's names: decoder_embed,
      mask_token, decoder_pos_embed, decoder_blocks.{i}, decoder_norm, and decoder_pred, the pixel head);
      no target encoder (decoder.ts).

Tokens are kept as [images, tokens, features]; positions index the 2-D sin-cos tables.
The engine's seeded initial weights and its own layouts are in lab_init.py (no torch needed).
"""

import torch
from torch import nn
from torch.nn import functional as F

from lab_init import sincos_2d
from vit import LN_EPS, Block, ViTConfig


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
    """g_φ: context tokens plus one mask token per target position; each target block in its own pass.
    stem 'decoder' is MAE's decoder: the same architecture under `decoder_*` names, with the pixel
    head `decoder_pred` (D_p → 3·p·p) where JEPA has `predictor_proj` (D_p → D)."""

    def __init__(self, dims, linear_head, stem="predictor"):
        super().__init__()
        D, Dp = dims["embedDim"], dims["predictorDim"]
        self.stem = stem
        self.add_module(f"{stem}_embed", nn.Linear(D, Dp))
        self.mask_token = nn.Parameter(torch.zeros(1, 1, Dp))
        self.register_buffer(f"{stem}_pos_embed", torch.from_numpy(sincos_2d(Dp, dims["grid"]))[None])
        self.add_module(f"{stem}_blocks", _blocks(dims, Dp, dims["predictorDepth"]))
        self.add_module(f"{stem}_norm", nn.LayerNorm(Dp, eps=LN_EPS))
        if stem == "decoder":
            self.decoder_pred = nn.Linear(Dp, dims["patchDim"])  # MAE: x̂ = h A + a, a patch's pixels
        else:
            self.predictor_proj = nn.Linear(Dp, D) if linear_head else None  # JEPA: ŝ = h A + a

    def part(self, name):
        """The `{stem}_{name}` module or buffer (embed, pos_embed, blocks, norm)."""
        return getattr(self, f"{self.stem}_{name}")

    @property
    def proj(self):
        """The linear head on h: JEPA's predictor_proj or MAE's decoder_pred (None for SparseJEPA)."""
        return self.decoder_pred if self.stem == "decoder" else self.predictor_proj

    def forward(self, ctx, ctx_pos, tgt_pos):
        """ctx [B, Nc, D] at ctx_pos [B, Nc]; tgt_pos [nT, B, Nt] → h [nT·B·Nt, D_p] (block-major, then image)."""
        nT, B, Nt = tgt_pos.shape
        Nc = ctx.shape[1]
        pos = self.part("pos_embed")[0]
        c = (self.part("embed")(ctx) + pos[ctx_pos]).unsqueeze(0).expand(nT, -1, -1, -1)
        q = self.mask_token[0, 0] + pos[tgt_pos]  # [nT, B, Nt, Dp]
        x = torch.cat([c, q], dim=2).reshape(nT * B, Nc + Nt, -1)
        for blk in self.part("blocks"):
            x = blk(x)
        return self.part("norm")(x[:, Nc:].reshape(nT * B * Nt, -1))


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
        if mode == "mae":
            self.decoder = Predictor(dims, linear_head=True, stem="decoder")
        else:
            self.predictor = Predictor(dims, linear_head=mode == "jepa")
        self.group_head = SparseGroupHead(dims) if mode == "sparse" else None

    @property
    def body(self):
        """g_φ, or MAE's decoder transformer."""
        return self.decoder if hasattr(self, "decoder") else self.predictor

    def forward(self, ctx_patches, ctx_pos, tgt_pos, groups, noise):
        """ŝ (MAE: x̂, pixels) at every target position from the context patches only; (pred, mu, logvar),
        mu/logvar None but for SparseJEPA."""
        h = self.body(self.context_encoder(ctx_patches, ctx_pos), ctx_pos, tgt_pos)
        if self.group_head is None:
            return self.body.proj(h), None, None
        return self.group_head(h, groups, noise)


def blas_is_reference():
    """Whether this PyTorch multiplies matrices with the generic reference BLAS (Debian's build: about
    3 GFLOP/s on one core here, against 25–35 for its oneDNN convolutions; see bench_step.py)."""
    return "BLAS_INFO=generic" in torch.__config__.show()


def use_cpu_linears(choice, device):
    """How nn.Linear runs on the CPU: 'blas' as shipped, 'onednn' as the 1×1 convolution it equals
    (bench_step.linear_as_conv1x1: the same product in float32, run by oneDNN), 'auto' = oneDNN where
    the BLAS is the reference one. Returns what was chosen. GPUs always run nn.Linear as shipped."""
    if str(device).startswith("cuda") or choice == "blas" or (choice == "auto" and not blas_is_reference()):
        return "blas"
    from bench_step import linear_as_conv1x1
    nn.Linear.forward = linear_as_conv1x1
    return "onednn"


def trained_parameters(student):
    """(name, parameter) of what the optimisers update, named as in the weights file."""
    return [(n, p) for n, p in student.named_parameters() if p.requires_grad]


def no_weight_decay(name, p):
    """The engine's rule (params.ts, heads.ts): decay on matrices and the mask token (as I-JEPA's init_opt);
    not on biases, norms, the group head's b, nor its W (the group lasso is W's only regulariser)."""
    return p.ndim < 2 or name in ("group_head.b", "group_head.W")
