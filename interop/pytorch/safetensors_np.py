"""Minimal safetensors reader/writer on numpy (Debian ships no `safetensors` Python package).

Format (https://github.com/huggingface/safetensors): 8-byte little-endian u64 header length N,
N bytes of UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
{str: str}}, then the data section; offsets are relative to the data section's start, and the
tensors must cover it exactly (no overlaps, no gaps). Data is little-endian, row-major.

    tensors, metadata = load_file("weights.safetensors")   # dict[str, np.ndarray], dict[str, str]
    save_file({"w": np.zeros((2, 3), np.float32)}, "out.safetensors", {"k": "v"})

Errors raise SafetensorsError (a ValueError) with a message naming the problem.
"""

import json
import struct

import numpy as np

__all__ = ["SafetensorsError", "load", "load_file", "save", "save_file"]

MAX_HEADER_BYTES = 100_000_000

# BF16 is decoded to float32 (numpy has no bfloat16); everything else keeps its dtype.
DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype("<u2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
NAMES = {np.dtype(v).newbyteorder("<"): k for k, v in DTYPES.items() if k != "BF16"}


class SafetensorsError(ValueError):
    pass


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise SafetensorsError(f"header is not valid JSON: duplicate key {k!r}")
        out[k] = v
    return out


def _is_index(x):
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def load(buf, max_header_bytes=MAX_HEADER_BYTES):
    """Parse bytes → (dict name → np.ndarray (own copy), metadata dict). Order = data order."""
    buf = memoryview(buf).cast("B")
    if len(buf) < 8:
        raise SafetensorsError(f"file is {len(buf)} bytes, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > len(buf) - 8:
        raise SafetensorsError(f"header length {n} runs past the end of the file")
    if n > max_header_bytes:
        raise SafetensorsError(f"header of {n} bytes is over the limit of {max_header_bytes} bytes")
    try:
        header = json.loads(bytes(buf[8 : 8 + n]).decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise SafetensorsError("header is not valid UTF-8") from None
    except json.JSONDecodeError as e:
        raise SafetensorsError(f"header is not valid JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorsError("header is not a JSON object")

    data = buf[8 + n :]
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise SafetensorsError("__metadata__ must map strings to strings")

    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise SafetensorsError(f"tensor {name!r}: entry must have exactly dtype, shape, data_offsets")
        dtype, shape, offs = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            raise SafetensorsError(f"tensor {name!r}: unsupported dtype {dtype!r}")
        if not isinstance(shape, list) or not all(_is_index(d) for d in shape):
            raise SafetensorsError(f"tensor {name!r}: malformed shape {shape!r}")
        if not isinstance(offs, list) or len(offs) != 2 or not all(_is_index(o) for o in offs) or offs[0] > offs[1]:
            raise SafetensorsError(f"tensor {name!r}: malformed data_offsets {offs!r}")
        if offs[1] > len(data):
            raise SafetensorsError(f"tensor {name!r}: data_offsets {offs} out of range ({len(data)} bytes)")
        want = int(np.prod(shape, dtype=object)) * DTYPES[dtype].itemsize
        if offs[1] - offs[0] != want:
            raise SafetensorsError(f"tensor {name!r}: byte length {offs[1] - offs[0]} != {want} for {dtype} {shape}")
        entries.append((offs[0], offs[1], name, dtype, shape))

    entries.sort()
    pos = 0
    for begin, end, name, _, _ in entries:
        if begin != pos:
            raise SafetensorsError(f"tensor {name!r}: data starts at {begin}, expected {pos} (overlap or gap)")
        pos = end
    if pos != len(data):
        raise SafetensorsError(f"data section has {len(data) - pos} trailing bytes")

    tensors = {}
    for begin, end, name, dtype, shape in entries:
        a = np.frombuffer(data[begin:end], dtype=DTYPES[dtype]).copy()  # copy: aligned, writable
        if dtype == "BF16":
            a = (a.astype(np.uint32) << 16).view(np.float32)
        tensors[name] = a.astype(a.dtype.newbyteorder("=")).reshape(shape)
    return tensors, dict(metadata)


def load_file(path, max_header_bytes=MAX_HEADER_BYTES):
    with open(path, "rb") as f:
        return load(f.read(), max_header_bytes)


def save(tensors, metadata=None):
    """dict name → np.ndarray (or anything np.asarray takes) → bytes. Layout in dict order."""
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise SafetensorsError("metadata must map strings to strings")
        header["__metadata__"] = dict(metadata)
    for name, a in tensors.items():
        if name == "__metadata__":
            raise SafetensorsError("tensor name __metadata__ is reserved")
        a = np.asarray(a)  # not ascontiguousarray: that turns 0-d scalars into shape [1]
        dt = a.dtype.newbyteorder("<")
        if dt not in NAMES:
            raise SafetensorsError(f"{name}: cannot write numpy dtype {a.dtype}")
        raw = a.astype(dt, copy=False).tobytes(order="C")
        header[name] = {"dtype": NAMES[dt], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * (-len(js) % 8)
    return struct.pack("<Q", len(js)) + js + b"".join(chunks)


def save_file(tensors, path, metadata=None):
    with open(path, "wb") as f:
        f.write(save(tensors, metadata))
