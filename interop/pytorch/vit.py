"""A small, readable reference ViT encoder in plain PyTorch (no timm), with timm's parameter names.

This is the architecture SparseJEPA Lab's engine computes for its context and target encoders
(no cls token, pre-norm blocks, exact GELU, LayerNorm eps 1e-6, a fixed position embedding), so a
state dict exported by the lab loads here with `load_state_dict(strict=True)`:

    patch_embed.proj.weight [D,3,p,p]   patch_embed.proj.bias [D]     (Conv2d, kernel = stride = p)
    pos_embed [1,N,D]                    (fixed 2-D sin-cos in the lab; loaded from the file here)
    blocks.{i}.norm1.weight/bias [D]
    blocks.{i}.attn.qkv.weight [3D,D]   blocks.{i}.attn.qkv.bias [3D]
    blocks.{i}.attn.proj.weight [D,D]   blocks.{i}.attn.proj.bias [D]
    blocks.{i}.norm2.weight/bias [D]
    blocks.{i}.mlp.fc1.weight [4D,D]    blocks.{i}.mlp.fc1.bias [4D]
    blocks.{i}.mlp.fc2.weight [D,4D]    blocks.{i}.mlp.fc2.bias [D]
    norm.weight/bias [D]

The architecture (D, depth, heads, p, N, MLP ratio) comes from the `dims` JSON in the file's
`__metadata__`; see `ViTConfig.from_metadata`.
"""

import json
import math
from dataclasses import dataclass

import torch
from torch import nn

LN_EPS = 1e-6
# The targets' extra layer norm (no affine): I-JEPA's src/train.py calls F.layer_norm with its default eps.
TARGET_LN_EPS = 1e-5


@dataclass(frozen=True)
class ViTConfig:
    embed_dim: int = 64
    depth: int = 2
    heads: int = 2
    patch_size: int = 4
    num_patches: int = 64
    mlp_ratio: float = 4.0
    in_chans: int = 3

    @property
    def grid(self) -> int:
        g = math.isqrt(self.num_patches)
        if g * g != self.num_patches:
            raise ValueError(f"numPatches={self.num_patches} is not a square grid")
        return g

    @property
    def img_size(self) -> int:
        return self.grid * self.patch_size

    @property
    def mlp_hidden(self) -> int:
        h = self.embed_dim * self.mlp_ratio
        if h != int(h):
            raise ValueError(f"embedDim*mlpRatio={h} is not an integer")
        return int(h)

    @classmethod
    def from_dims(cls, dims: dict) -> "ViTConfig":
        """From the lab's `dims` object: {embedDim, depth, heads, patchSize, numPatches, mlpRatio, ...}."""
        missing = [k for k in ("embedDim", "depth", "heads", "patchSize", "numPatches") if k not in dims]
        if missing:
            raise ValueError(f"dims metadata lacks {', '.join(missing)}")
        cfg = cls(
            embed_dim=int(dims["embedDim"]),
            depth=int(dims["depth"]),
            heads=int(dims["heads"]),
            patch_size=int(dims["patchSize"]),
            num_patches=int(dims["numPatches"]),
            mlp_ratio=float(dims.get("mlpRatio", 4)),
        )
        if cfg.embed_dim % cfg.heads:
            raise ValueError(f"embedDim={cfg.embed_dim} is not divisible by heads={cfg.heads}")
        _ = (cfg.grid, cfg.mlp_hidden)  # raise early on a non-square grid or fractional MLP width
        return cfg

    @classmethod
    def from_metadata(cls, metadata: dict) -> "ViTConfig":
        """From a safetensors `__metadata__` dict whose "dims" value is a JSON string."""
        if "dims" not in metadata:
            raise ValueError("safetensors __metadata__ has no 'dims' entry")
        return cls.from_dims(json.loads(metadata["dims"]))


class PatchEmbed(nn.Module):
    def __init__(self, cfg: ViTConfig):
        super().__init__()
        self.proj = nn.Conv2d(cfg.in_chans, cfg.embed_dim, kernel_size=cfg.patch_size, stride=cfg.patch_size)

    def forward(self, img):  # [B,3,H,W] → [B,N,D], patches in row-major (y, x) order
        return self.proj(img).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, D = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # each [B,H,N,D/H]
        attn = (q @ k.transpose(-2, -1) * self.scale).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, D)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()  # exact (erf) form
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, cfg: ViTConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(cfg.embed_dim, eps=LN_EPS)
        self.attn = Attention(cfg.embed_dim, cfg.heads)
        self.norm2 = nn.LayerNorm(cfg.embed_dim, eps=LN_EPS)
        self.mlp = Mlp(cfg.embed_dim, cfg.mlp_hidden)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        x = x + self.mlp(self.norm2(x))
        return x


class VisionTransformer(nn.Module):
    """Pre-norm ViT encoder without cls token: [B,3,H,W] → [B,N,D] (after the final norm)."""

    def __init__(self, cfg: ViTConfig):
        super().__init__()
        self.cfg = cfg
        self.patch_embed = PatchEmbed(cfg)
        # A parameter (as in timm) that is never trained: the lab's position embedding is fixed.
        self.pos_embed = nn.Parameter(torch.zeros(1, cfg.num_patches, cfg.embed_dim), requires_grad=False)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.depth)])
        self.norm = nn.LayerNorm(cfg.embed_dim, eps=LN_EPS)

    def forward(self, img):
        if img.shape[-2:] != (self.cfg.img_size, self.cfg.img_size):
            raise ValueError(f"expected {self.cfg.img_size}x{self.cfg.img_size} images, got {tuple(img.shape)}")
        x = self.patch_embed(img) + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


def expected_shapes(cfg: ViTConfig) -> dict:
    """Parameter name → shape, exactly as in the state dict (useful for error messages)."""
    D, H, p = cfg.embed_dim, cfg.mlp_hidden, cfg.patch_size
    out = {
        "patch_embed.proj.weight": [D, cfg.in_chans, p, p],
        "patch_embed.proj.bias": [D],
        "pos_embed": [1, cfg.num_patches, D],
    }
    for i in range(cfg.depth):
        b = f"blocks.{i}."
        out.update({
            b + "norm1.weight": [D], b + "norm1.bias": [D],
            b + "attn.qkv.weight": [3 * D, D], b + "attn.qkv.bias": [3 * D],
            b + "attn.proj.weight": [D, D], b + "attn.proj.bias": [D],
            b + "norm2.weight": [D], b + "norm2.bias": [D],
            b + "mlp.fc1.weight": [H, D], b + "mlp.fc1.bias": [H],
            b + "mlp.fc2.weight": [D, H], b + "mlp.fc2.bias": [D],
        })
    out.update({"norm.weight": [D], "norm.bias": [D]})
    return out
