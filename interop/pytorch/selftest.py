#!/usr/bin/env python3
"""Standalone test of the PyTorch interop files (no TypeScript involved).

    /usr/bin/python3 interop/pytorch/selftest.py

1. A random ViT's state dict, saved through safetensors_np under "target_encoder." next to
   unrelated tensors, reloads with strict names and gives a bit-identical float32 forward.
2. The PyTorch ViT agrees with an independent numpy float64 implementation of the maths.
3. check_embeddings.py exits 0 on matching embeddings, 1 on perturbed/NaN ones, 2 on load errors.
4. safetensors_np round-trips dtypes and rejects malformed files.
"""

import json
import math
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from check_embeddings import load_encoder  # noqa: E402
from safetensors_np import SafetensorsError, load, load_file, save, save_file  # noqa: E402
from vit import ViTConfig, VisionTransformer, expected_shapes  # noqa: E402

torch.set_num_threads(1)
CHECK = os.path.join(HERE, "check_embeddings.py")


def dims_of(cfg):
    return {"embedDim": cfg.embed_dim, "depth": cfg.depth, "heads": cfg.heads, "patchSize": cfg.patch_size,
            "numPatches": cfg.num_patches, "mlpRatio": cfg.mlp_ratio, "predictorDim": 32}


def random_vit(cfg, seed):
    torch.manual_seed(seed)
    m = VisionTransformer(cfg)
    with torch.no_grad():
        for name, p in m.named_parameters():  # make every tensor non-trivial, norms included
            p.copy_(torch.randn_like(p) * (0.3 if p.ndim > 1 else 0.1) + (1.0 if name.endswith("norm1.weight") else 0.0))
    return m.eval()


def numpy_forward(state, cfg, img):
    """The encoder's maths written out again in numpy float64, independent of vit.py's modules."""
    sd = {k: np.asarray(v, dtype=np.float64) for k, v in state.items()}
    D, H, p, g = cfg.embed_dim, cfg.heads, cfg.patch_size, cfg.grid
    B = img.shape[0]
    # patches in (c, y, x) order per patch, patches in row-major grid order
    x = img.astype(np.float64).reshape(B, 3, g, p, g, p).transpose(0, 2, 4, 1, 3, 5).reshape(B, g * g, 3 * p * p)
    x = x @ sd["patch_embed.proj.weight"].reshape(D, -1).T + sd["patch_embed.proj.bias"] + sd["pos_embed"]

    def ln(x, w, b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-6) * w + b

    erf = np.vectorize(math.erf)
    for i in range(cfg.depth):
        s = lambda n: sd[f"blocks.{i}.{n}"]  # noqa: E731
        h = ln(x, s("norm1.weight"), s("norm1.bias"))
        qkv = h @ s("attn.qkv.weight").T + s("attn.qkv.bias")  # [B,N,3D]: q | k | v, each split in heads
        q, k, v = (qkv[..., j * D:(j + 1) * D].reshape(B, -1, H, D // H).transpose(0, 2, 1, 3) for j in range(3))
        a = q @ k.transpose(0, 1, 3, 2) / math.sqrt(D // H)
        a = np.exp(a - a.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        o = (a @ v).transpose(0, 2, 1, 3).reshape(B, -1, D)
        x = x + o @ s("attn.proj.weight").T + s("attn.proj.bias")
        h = ln(x, s("norm2.weight"), s("norm2.bias"))
        h = h @ s("mlp.fc1.weight").T + s("mlp.fc1.bias")
        h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
        x = x + h @ s("mlp.fc2.weight").T + s("mlp.fc2.bias")
    return ln(x, sd["norm.weight"], sd["norm.bias"])


def run_check(*args):
    r = subprocess.run([sys.executable, CHECK, *args], capture_output=True, text=True)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def test_config(cfg, tmp, seed):
    prefix = "target_encoder."
    model = random_vit(cfg, seed)
    state = {k: v.numpy() for k, v in model.state_dict().items()}
    assert state.keys() == expected_shapes(cfg).keys(), "expected_shapes() disagrees with the module"
    for k, v in state.items():
        assert list(v.shape) == expected_shapes(cfg)[k], k

    # unrelated tensors around it, as in a real export
    other = {"context_encoder.norm.weight": np.ones(cfg.embed_dim, np.float32),
             "predictor.mask_token": np.zeros((1, 1, 32), np.float32)}
    weights = os.path.join(tmp, f"w{seed}.safetensors")
    meta = {"config": json.dumps({"preset": "test"}), "dims": json.dumps(dims_of(cfg)), "format": "sparsejepa-lab/1"}
    save_file({**other, **{prefix + k: v for k, v in state.items()}}, weights, meta)

    # 1. strict reload → identical float32 forward
    loaded, cfg2, n_params = load_encoder(weights, prefix, torch.float32)
    assert cfg2 == cfg, (cfg2, cfg)
    assert n_params == sum(p.numel() for p in model.state_dict().values())
    gen = torch.Generator().manual_seed(seed)
    img = torch.randn(3, 3, cfg.img_size, cfg.img_size, generator=gen)
    with torch.no_grad():
        y0, y1 = model(img), loaded(img)
    assert torch.equal(y0, y1), "reloaded model's forward differs"
    assert y0.shape == (3, cfg.num_patches, cfg.embed_dim)

    # 2. independent numpy float64 implementation
    ref = numpy_forward(state, cfg, img.numpy())
    d32 = float(np.abs(ref - y0.numpy()).max())
    with torch.no_grad():
        d64 = float(np.abs(ref - model.double()(img.double()).numpy()).max())
    assert d64 < 1e-10, f"float64 forward differs from numpy reference by {d64}"
    assert d32 < 1e-4, f"float32 forward differs from numpy reference by {d32}"

    # 3. check_embeddings.py exit codes
    inputs = os.path.join(tmp, f"i{seed}.safetensors")
    save_file({"images": img.numpy(), "embeddings": y0.numpy()}, inputs)
    rc, out, err = run_check("--weights", weights, "--prefix", prefix, "--inputs", inputs, "--tol", "1e-4")
    res = json.loads(out)
    assert rc == 0 and res["ok"] and res["params"] == n_params and res["maxAbsDiff"] < 1e-4, (rc, out, err)
    rc32, out32, _ = run_check("--weights", weights, "--inputs", inputs, "--dtype", "float32", "--tol", "0")
    assert rc32 == 0 and json.loads(out32)["maxAbsDiff"] == 0.0, out32  # same maths, same dtype: exact

    bad = y0.numpy().copy()
    bad[1, 2, 3] += 1e-3
    save_file({"images": img.numpy(), "embeddings": bad}, inputs)
    rc, out, _ = run_check("--weights", weights, "--inputs", inputs)
    assert rc == 1 and not json.loads(out)["ok"] and abs(json.loads(out)["maxAbsDiff"] - 1e-3) < 1e-5, out
    bad[0, 0, 0] = np.nan
    save_file({"images": img.numpy(), "embeddings": bad}, inputs)
    rc, out, _ = run_check("--weights", weights, "--inputs", inputs)
    assert rc == 1 and json.loads(out)["maxAbsDiff"] is None, out

    rc, out, err = run_check("--weights", weights, "--prefix", "nope.", "--inputs", inputs)
    assert rc == 2 and "no tensors under prefix 'nope.'" in err and out == "", err
    save_file({"images": img.numpy()[:, :, :8], "embeddings": y0.numpy()}, inputs)
    rc, _, err = run_check("--weights", weights, "--inputs", inputs)
    assert rc == 2 and "images has shape" in err, err

    # a wrong-shaped tensor is named
    broken = {**{prefix + k: v for k, v in state.items()}}
    broken[prefix + "blocks.0.attn.qkv.weight"] = np.zeros((cfg.embed_dim, cfg.embed_dim), np.float32)
    save_file(broken, weights, meta)
    rc, _, err = run_check("--weights", weights, "--inputs", inputs)
    assert rc == 2 and f"target_encoder.blocks.0.attn.qkv.weight has shape [{cfg.embed_dim}, {cfg.embed_dim}]" in err, err
    del broken[prefix + "blocks.0.attn.qkv.weight"]
    save_file(broken, weights, meta)
    rc, _, err = run_check("--weights", weights, "--inputs", inputs)
    assert rc == 2 and "blocks.0.attn.qkv.weight is missing" in err, err
    save_file({prefix + k: v for k, v in state.items()}, weights, {"format": "x"})
    rc, _, err = run_check("--weights", weights, "--inputs", inputs)
    assert rc == 2 and "no 'dims'" in err, err
    return d32


def test_safetensors_np(tmp):
    arrays = {"f32": np.arange(6, dtype=np.float32).reshape(2, 3), "f16": np.array([0.5, -2], np.float16),
              "i64": np.array([1, -(2 ** 40)], np.int64), "i32": np.array([[7]], np.int32),
              "f64": np.array(math.pi), "empty": np.zeros((0, 4), np.float32), "u8": np.array([1, 255], np.uint8)}
    back, meta = load(save(arrays, {"a": "b"}))
    assert meta == {"a": "b"} and list(back) == list(arrays)
    for k, v in arrays.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape and np.array_equal(back[k], v), k
    # bf16: 1.5 = 0x3fc0
    hdr = json.dumps({"b": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}).encode()
    b, _ = load(struct.pack("<Q", len(hdr)) + hdr + struct.pack("<H", 0x3FC0))
    assert b["b"].dtype == np.float32 and b["b"][0] == 1.5

    def raw(header, data=b"", n=None):
        h = header.encode() if isinstance(header, str) else json.dumps(header).encode()
        return struct.pack("<Q", len(h) if n is None else n) + h + data

    ok = {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    cases = [
        (b"1234", "shorter than the 8-byte"),
        (raw(ok, bytes(8), n=999), "past the end"),
        (raw("{nope", bytes(8)), "not valid JSON"),
        (raw("[1]"), "not a JSON object"),
        (raw('{"a":1,"a":2}'), "duplicate key"),
        (raw({"a": {"dtype": "Q", "shape": [2], "data_offsets": [0, 8]}}, bytes(8)), "unsupported dtype"),
        (raw({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, bytes(8)), "byte length"),
        (raw({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 16]}}, bytes(8)), "out of range"),
        (raw(ok, bytes(12)), "trailing bytes"),
        (raw({"__metadata__": {"k": 1}, **ok}, bytes(8)), "strings to strings"),
        (raw({"a": {"dtype": "F32", "shape": [2]}}, bytes(8)), "exactly dtype, shape, data_offsets"),
    ]
    for data, msg in cases:
        try:
            load(data)
        except SafetensorsError as e:
            assert msg in str(e), (msg, str(e))
        else:
            raise AssertionError(f"no error for case {msg!r}")
    path = os.path.join(tmp, "x.safetensors")
    save_file(arrays, path)
    assert load_file(path)[0]["f32"][1, 2] == 5


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_safetensors_np(tmp)
        print("safetensors_np: ok")
        configs = [
            ViTConfig(embed_dim=64, depth=2, heads=2, patch_size=4, num_patches=64),  # the lab's `micro`
            ViTConfig(embed_dim=48, depth=3, heads=3, patch_size=8, num_patches=16, mlp_ratio=2.0),
        ]
        for seed, cfg in enumerate(configs):
            d32 = test_config(cfg, tmp, seed)
            print(f"vit D={cfg.embed_dim} depth={cfg.depth} heads={cfg.heads} p={cfg.patch_size}: "
                  f"strict reload identical, float32 vs numpy max|diff|={d32:.2e}, check_embeddings exit codes ok")
    print("selftest: all ok")


if __name__ == "__main__":
    main()
