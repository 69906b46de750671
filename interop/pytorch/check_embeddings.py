#!/usr/bin/env python3
"""Check that a ViT encoder exported by SparseJEPA Lab computes the same embeddings in PyTorch.

    /usr/bin/python3 interop/pytorch/check_embeddings.py \
        --weights W.safetensors --prefix target_encoder. --inputs I.safetensors --tol 1e-4

W.safetensors: the lab's exported weights; `__metadata__["dims"]` (JSON) gives the architecture,
  the tensors under --prefix (prefix stripped) must be exactly this ViT's state dict.
I.safetensors: `images` float32 [B,3,S,S] (NCHW, already normalised) and `embeddings` float32
  [B,N,D], the encoder's output (after its final norm) as computed by the lab's engine.

Prints one JSON line, e.g. {"maxAbsDiff": 3.1e-07, "ok": true, "params": 107328, ...}, and exits
0 when maxAbsDiff <= tol, 1 when not (or when anything is NaN/Inf), 2 on any load/shape error
(message on stderr). By default the reference runs in float64 (the weights and images are
float32 values, widened exactly), so the difference measures the engine's own float32 error;
`--dtype float32` runs PyTorch in float32 instead.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from safetensors_np import SafetensorsError, load_file  # noqa: E402
from vit import ViTConfig, VisionTransformer, expected_shapes  # noqa: E402


class LoadError(Exception):
    pass


def load_encoder(weights_path, prefix, dtype):
    try:
        tensors, metadata = load_file(weights_path)
    except (OSError, SafetensorsError) as e:
        raise LoadError(f"{weights_path}: {e}") from None
    try:
        cfg = ViTConfig.from_metadata(metadata)
    except (ValueError, TypeError, KeyError) as e:
        raise LoadError(f"{weights_path}: bad __metadata__: {e}") from None

    state = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
    if not state:
        prefixes = sorted({k.split(".", 1)[0] + "." for k in tensors})
        raise LoadError(f"{weights_path}: no tensors under prefix {prefix!r} (prefixes present: {', '.join(prefixes)})")
    want = expected_shapes(cfg)
    for name, shape in want.items():
        if name not in state:
            raise LoadError(f"{weights_path}: {prefix}{name} is missing, expected shape {shape}")
        if list(state[name].shape) != shape:
            raise LoadError(f"{weights_path}: {prefix}{name} has shape {list(state[name].shape)}, expected {shape}")
    extra = sorted(set(state) - set(want))
    if extra:
        raise LoadError(f"{weights_path}: unexpected tensors under {prefix!r}: {', '.join(prefix + e for e in extra[:5])}")

    model = VisionTransformer(cfg)
    try:
        model.load_state_dict({k: torch.from_numpy(np.asarray(v, dtype=np.float32)) for k, v in state.items()}, strict=True)
    except RuntimeError as e:
        raise LoadError(f"{weights_path}: load_state_dict(strict=True) failed: {e}") from None
    n_params = sum(int(v.size) for v in state.values())
    return model.to(dtype).eval(), cfg, n_params


def load_inputs(inputs_path, cfg):
    try:
        tensors, _ = load_file(inputs_path)
    except (OSError, SafetensorsError) as e:
        raise LoadError(f"{inputs_path}: {e}") from None
    for key in ("images", "embeddings"):
        if key not in tensors:
            raise LoadError(f"{inputs_path}: no '{key}' tensor (has: {', '.join(tensors) or 'nothing'})")
    images, emb = tensors["images"], tensors["embeddings"]
    S = cfg.img_size
    if images.ndim != 4 or images.shape[1:] != (cfg.in_chans, S, S):
        raise LoadError(f"{inputs_path}: images has shape {list(images.shape)}, expected [B,{cfg.in_chans},{S},{S}] (NCHW)")
    B = images.shape[0]
    if list(emb.shape) != [B, cfg.num_patches, cfg.embed_dim]:
        raise LoadError(
            f"{inputs_path}: embeddings has shape {list(emb.shape)}, expected {[B, cfg.num_patches, cfg.embed_dim]}"
        )
    return images, emb


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--weights", required=True, help="exported .safetensors with __metadata__.dims")
    ap.add_argument("--prefix", default="target_encoder.", help="module prefix to load (default: target_encoder.)")
    ap.add_argument("--inputs", required=True, help=".safetensors with images [B,3,S,S] and embeddings [B,N,D]")
    ap.add_argument("--tol", type=float, default=1e-4, help="max abs difference allowed (default 1e-4)")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64", help="PyTorch compute dtype")
    args = ap.parse_args(argv)

    torch.set_num_threads(1)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    try:
        model, cfg, n_params = load_encoder(args.weights, args.prefix, dtype)
        images, emb = load_inputs(args.inputs, cfg)
    except LoadError as e:
        print(f"check_embeddings: {e}", file=sys.stderr)
        return 2

    with torch.no_grad():
        ref = model(torch.from_numpy(np.asarray(images, dtype=np.float32)).to(dtype)).double().numpy()
    got = np.asarray(emb, dtype=np.float64)
    diff = np.abs(ref - got)
    finite = bool(np.isfinite(diff).all())
    max_abs = float(diff.max()) if finite and diff.size else (0.0 if finite else None)
    result = {
        "maxAbsDiff": max_abs,
        "meanAbsDiff": float(diff.mean()) if finite and diff.size else (0.0 if finite else None),
        "ok": bool(finite and max_abs <= args.tol),
        "params": n_params,
        "tensors": len(model.state_dict()),
        "tol": args.tol,
        "dtype": args.dtype,
        "shape": list(got.shape),
        "refMaxAbs": float(np.abs(ref).max()) if ref.size else 0.0,
    }
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
