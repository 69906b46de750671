"""The lab's weights without PyTorch: the engine's own tensor layouts (src/engine/params.ts) and
the file's, and the engine's seeded initial weights value for value (model.ts order of draws), so
a run that starts from a seed starts where the lab's would. Also the names and shapes a config's
model has in the weights file, to check files before anything heavier is loaded.
"""

import math

import numpy as np

from lab_rng import Rng


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


def engine_init_state(config, dims, draw=True):
    """The engine's initial weights for this config and seed (model.ts, params.ts), in the file's
    layout and names: every draw taken from Rng(seed) in the order the engine takes it.
    draw=False: the same names and shapes, all zeros (what file_shapes needs)."""
    rng = Rng(config["seed"])
    out = {}

    def trunc(shape, std):
        if not draw:
            return np.zeros(shape, np.float32)
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

    # g_φ, or MAE's decoder: the same architecture under `decoder.` (predictor.ts's stem).
    stem = "decoder" if config["mode"] == "mae" else "predictor"
    p = stem + "."
    linear(f"{p}{stem}_embed", D, Dp)
    out[p + "mask_token"] = trunc((Dp,), 0.02).reshape(1, 1, Dp)
    out[f"{p}{stem}_pos_embed"] = sincos_2d(Dp, grid)[None]
    blocks(f"{p}{stem}_blocks", dims["predictorDepth"], Dp)
    norm(f"{p}{stem}_norm", Dp)

    if config["mode"] == "mae":
        linear(p + "decoder_pred", Dp, dims["patchDim"])  # MAE's pixel head (decoder.ts PixelHead)
        return out  # no target encoder: MAE's targets are pixels
    if config["mode"] == "sparse":
        K, G = dims["latentDim"], dims["numGroups"]
        linear("group_head.mu", Dp, K)
        linear("group_head.logvar", Dp, K)
        if config.get("groupInit", "truncNormal") == "unitNormal":  # oi-VAE's N(0, 1)
            w = rng.normals(G * K * D).astype(np.float32).reshape(G, K, D) if draw else np.zeros((G, K, D), np.float32)
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


def file_shapes(config, dims):
    """Every tensor name of this config's model in the weights file, with its shape."""
    return {k: list(v.shape) for k, v in engine_init_state(config, dims, draw=False).items()}


def file_name(name):
    """A target-encoder tensor's name as its context-encoder twin (same layout)."""
    return "context_encoder." + name[len("target_encoder."):] if name.startswith("target_encoder.") else name


def engine_shape(a):
    """The engine keeps pos_embed as [N, D] and mask_token as [D_p]; the file as [1, N, D] and [1, 1, D_p]."""
    while a.ndim > 1 and a.shape[0] == 1:
        a = a.reshape(a.shape[1:])
    return a


class WeightsError(ValueError):
    pass


def check_state(state, shapes, what, mode):
    """Every tensor this model has, with its shape, and nothing else; else one line naming the first problem."""
    for name, shape in shapes.items():
        if name not in state:
            raise WeightsError(f"{what} has no tensor {name} (is it from a {mode} model of this preset?)")
        if list(state[name].shape) != shape:
            raise WeightsError(f"{what}: {name} has shape {list(state[name].shape)}, this config's model expects {shape}")
    extra = sorted(k for k in state if k not in shapes and not k.startswith("adam."))
    if extra:
        raise WeightsError(f"{what} has tensors this model does not: {', '.join(extra[:3])}{' …' if len(extra) > 3 else ''} "
                           f"(another mode or architecture than the config's {mode})")


def weights_from_checkpoint(tensors, dims):
    """A checkpoint's parameters (engine layout) in the file's layout, without the AdamW moments."""
    return {k: engine_to_export(layout_of(file_name(k)), v, dims) for k, v in tensors.items() if not k.startswith("adam.")}
