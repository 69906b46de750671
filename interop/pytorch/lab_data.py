"""The lab's data path in Python: CIFAR-100/10 binary archives (src/data/cifar.ts, node.ts), subsets
(subset.ts), the seeded epoch sampler (sampler.ts) and the crop/flip patch batches (batch.ts), with
the same layouts, the same checks and, from the same seed, the same images in the same order.

    splits = load_dataset("cifar-100-binary.tar.gz")      # {"train": Split, "test": Split}
    train = select_subset(splits["train"], config["subset"], config["seed"])
"""

import gzip
import os
import re
import tarfile
import zlib
from dataclasses import dataclass
from typing import List, Optional

import numpy as np

from lab_rng import M32, Rng, _imul

IMAGE_SIZE = 32
IMAGE_BYTES = 3 * IMAGE_SIZE * IMAGE_SIZE
MAX_CIFAR_RECORDS = 300_000  # per split (cifar.ts), checked before the pixels are copied
MAX_DECOMPRESSED_BYTES = 2**30  # gzip.ts
MAX_LABEL_NAMES_BYTES = 1 << 20
CIFAR100_MEAN = (0.5071, 0.4865, 0.4409)
CIFAR100_STD = (0.2673, 0.2564, 0.2762)
CIFAR10_TRAIN = [f"data_batch_{k}.bin" for k in range(1, 6)]
CIFAR_FILES = {"train.bin", "test.bin", "fine_label_names.txt", "coarse_label_names.txt", *CIFAR10_TRAIN,
               "test_batch.bin", "batches.meta.txt"}


class DatasetError(ValueError):
    """Malformed or unusable data; the message names the file and the problem."""


@dataclass
class Split:
    name: str
    images: np.ndarray  # uint8 [n, 3, 32, 32], CIFAR's CHW planes
    labels: np.ndarray  # int32 [n]
    class_names: List[str]
    coarse_labels: Optional[np.ndarray] = None
    coarse_names: Optional[List[str]] = None

    @property
    def size(self):
        return len(self.labels)


# --- reading -----------------------------------------------------------------------------------

def _parse_records(parts, title, record_bytes, num_fine, num_coarse, split):
    total = 0
    for name, data in parts:
        if len(data) == 0:
            raise DatasetError(f"{name}: empty file (no {title} records)")
        if len(data) % record_bytes:
            raise DatasetError(f"{name}: {len(data)} bytes is not a whole number of {record_bytes}-byte {title} records")
        total += len(data) // record_bytes
    if total > MAX_CIFAR_RECORDS:
        raise DatasetError(f"{split}: {total} {title} records, more than the limit of {MAX_CIFAR_RECORDS} per split")
    label_bytes = record_bytes - IMAGE_BYTES
    recs = np.concatenate([np.frombuffer(d, np.uint8).reshape(-1, record_bytes) for _, d in parts])
    fine = recs[:, label_bytes - 1].astype(np.int32)
    coarse = recs[:, 0].astype(np.int32) if num_coarse else None
    for what, labels, limit in (("coarse label", coarse, num_coarse), ("fine label" if num_coarse else "label", fine, num_fine)):
        if labels is not None and labels.max() >= limit:
            r = int(np.argmax(labels >= limit))
            raise DatasetError(f"{split}: {what} {labels[r]} > {limit - 1} at record {r}")
    images = np.ascontiguousarray(recs[:, label_bytes:]).reshape(-1, 3, IMAGE_SIZE, IMAGE_SIZE)
    return images, fine, coarse


def parse_label_names(data, name, expected):
    if len(data) > MAX_LABEL_NAMES_BYTES:
        raise DatasetError(f"{name}: {len(data)} bytes is over the limit of {MAX_LABEL_NAMES_BYTES} bytes for a label-names file")
    names = [s.strip() for s in data.decode("utf-8", "replace").splitlines() if s.strip()]
    if len(names) != expected:
        raise DatasetError(f"{name}: {len(names)} names, expected {expected}")
    return names


def _by_base_name(entries, archive):
    """Entries keyed by base name, so cifar-100-binary/train.bin and ./train.bin both match (cifar.ts)."""
    out = {}
    for path, data in entries.items():
        base = path.split("/")[-1]
        if base.startswith("._"):
            continue  # macOS resource forks
        if base in out and out[base][0] != path:
            raise DatasetError(f"{archive}: ambiguous, both {out[base][0]} and {path} present")
        out[base] = (path, data)
    return out


def _found(files):
    return ", ".join(sorted(p for p, _ in files.values())[:12]) or "nothing"


def _require(files, wanted, archive, title):
    missing = [w for w in wanted if w not in files]
    if missing:
        raise DatasetError(f"{archive}: missing {', '.join(missing)} for {title} (found: {_found(files)})")
    return [files[w] for w in wanted]


def load_cifar(entries, archive):
    """CIFAR-100 or CIFAR-10 (binary versions) from {path: bytes}; the layout is told by the files present."""
    files = _by_base_name(entries, archive)
    if "train.bin" in files or "test.bin" in files:
        train, test = _require(files, ["train.bin", "test.bin"], archive, "CIFAR-100")
        fine = files.get("fine_label_names.txt")
        coarse = files.get("coarse_label_names.txt")
        fine_names = parse_label_names(fine[1], fine[0], 100) if fine else [f"class {i}" for i in range(100)]
        coarse_names = parse_label_names(coarse[1], coarse[0], 20) if coarse else [f"superclass {i}" for i in range(20)]
        out = {}
        for key, (path, data) in (("train", train), ("test", test)):
            images, labels, coarse_labels = _parse_records([(path, data)], "CIFAR-100", 2 + IMAGE_BYTES, 100, 20, path)
            out[key] = Split(f"cifar-100/{key}", images, labels, fine_names, coarse_labels, coarse_names)
        return out
    if "test_batch.bin" in files or any(f in files for f in CIFAR10_TRAIN):
        parts = _require(files, CIFAR10_TRAIN + ["test_batch.bin"], archive, "CIFAR-10")
        meta = files.get("batches.meta.txt")
        names = parse_label_names(meta[1], meta[0], 10) if meta else [f"class {i}" for i in range(10)]
        out = {}
        for key, ps in (("train", parts[:5]), ("test", parts[5:])):
            images, labels, _ = _parse_records(ps, "CIFAR-10", 1 + IMAGE_BYTES, 10, None, f"cifar-10/{key}")
            out[key] = Split(f"cifar-10/{key}", images, labels, names)
        return out
    if any(f in files for f in ("meta", "batches.meta", "data_batch_1")):
        raise DatasetError(f"{archive}: this is the Python (pickle) version of CIFAR; use the binary version "
                           "(cifar-100-binary.tar.gz or cifar-10-binary.tar.gz)")
    raise DatasetError(f"{archive}: no CIFAR files found (expected train.bin and test.bin for CIFAR-100, or "
                       f"data_batch_1..5.bin and test_batch.bin for CIFAR-10; found: {_found(files)})")


def _read_tar(path, name):
    """The CIFAR files of a .tar or .tar.gz, each read with the decompressed-size limit."""
    try:
        with open(path, "rb") as f:
            magic = f.read(2)
        compressed = magic == b"\x1f\x8b"
        with tarfile.open(path, "r:gz" if compressed else "r:") as tar:
            entries, total = {}, 0
            for member in tar:
                if not member.isfile():
                    continue
                base = member.name.split("/")[-1]
                if base in CIFAR_FILES or base in ("meta", "batches.meta", "data_batch_1"):
                    total += member.size
                    if total > MAX_DECOMPRESSED_BYTES:
                        raise DatasetError(f"{name}: decompresses to more than {MAX_DECOMPRESSED_BYTES} bytes")
                    entries[member.name] = tar.extractfile(member).read() if base in CIFAR_FILES else b""
            return entries
    except tarfile.ReadError as e:
        if not compressed:
            raise DatasetError(f"{name}: not a CIFAR archive (neither gzip nor tar)") from None
        raise DatasetError(f"{name}: not a valid .tar.gz: {e}") from None
    except (EOFError, OSError, zlib.error, gzip.BadGzipFile) as e:
        raise DatasetError(f"{name}: not a valid gzip stream: {e}") from None


def _read_directory(path):
    """The CIFAR files of a folder, or of its cifar-100-binary / cifar-10-batches-bin subfolder (node.ts)."""
    def pick(d):
        return [f for f in os.listdir(d) if f in CIFAR_FILES]
    found, src = pick(path), path
    if not found:
        for sub in ("cifar-100-binary", "cifar-10-batches-bin"):
            d = os.path.join(path, sub)
            if os.path.isdir(d) and pick(d):
                found, src = pick(d), d
                break
    entries = {}
    for f in found:
        with open(os.path.join(src, f), "rb") as fh:
            entries[f] = fh.read()
    return entries


def load_dataset(spec):
    """A CIFAR-100/10 binary archive (.tar.gz, .tar) or a folder of its files → {"train", "test"}."""
    if spec.strip().startswith("synthetic"):
        raise DatasetError(f"{spec}: the built-in data is made by the lab's engine; export it as an archive with "
                           "`npm run export-dataset -- --dataset synthetic --out synthetic.tar.gz` and pass that")
    if not os.path.exists(spec):
        raise DatasetError(f"dataset path not found: {spec}")
    if os.path.isdir(spec):
        return load_cifar(_read_directory(spec), spec)
    return load_cifar(_read_tar(spec, os.path.basename(spec)), os.path.basename(spec))


# --- subsets (subset.ts) -----------------------------------------------------------------------

def _canon(s):
    """"Maple Tree", "maple_tree" and "maple-tree" all name CIFAR's "maple_tree"."""
    return re.sub(r"[\s_-]+", "_", s.strip().lower())


def resolve_names(wanted, names, what, dataset):
    by_name = {_canon(n): i for i, n in enumerate(names)}
    out = set()
    for w in wanted:
        if isinstance(w, int):
            if w < 0 or w >= len(names):
                raise DatasetError(f"{what} index {w} out of range: {dataset} has {len(names)} {what}es (0..{len(names) - 1})")
            out.add(w)
            continue
        i = by_name.get(_canon(w))
        if i is None:
            close = [n for n in names if _canon(n) in _canon(w) or _canon(w) in _canon(n)]
            hint = f"did you mean {', '.join(close[:5])}? " if close else ""
            raise DatasetError(f"unknown {what} {w!r} in {dataset}; {hint}valid names include "
                               f"{', '.join(names[:6])}, … ({len(names)} in all)")
        out.add(i)
    return out


def kept_classes(ds, subset):
    keep = resolve_names(subset["classes"], ds.class_names, "class", ds.name) if subset["classes"] else None
    if subset["superclasses"]:
        if ds.coarse_labels is None:
            raise DatasetError(f"superclasses need coarse labels, and {ds.name} has none (only CIFAR-100 has superclasses)")
        supers = resolve_names(subset["superclasses"], ds.coarse_names, "superclass", ds.name)
        in_supers = set(np.unique(ds.labels[np.isin(ds.coarse_labels, sorted(supers))]).tolist())
        keep = {c for c in keep if c in in_supers} if keep is not None else in_supers
        if not keep:
            raise DatasetError(f"subset keeps no classes: the chosen classes are not in superclasses {subset['superclasses']}")
    return sorted(keep if keep is not None else range(len(ds.class_names)))


def select_subset(ds, subset, seed):
    """Images of the kept classes, at most perClass each (the same seeded choice as subset.ts), relabelled 0..C-1."""
    kept = kept_classes(ds, subset)
    per_class = subset["perClass"]
    if len(kept) == len(ds.class_names) and per_class == 0:
        return ds
    rng = Rng(seed)
    chosen = []
    for c in kept:
        idx = np.flatnonzero(ds.labels == c).tolist()
        if per_class > 0 and len(idx) > per_class:
            rng.shuffle(idx)
            idx = idx[:per_class]
        chosen.extend(idx)
    indices = np.sort(np.asarray(chosen, dtype=np.int64))
    if len(indices) == 0:
        raise DatasetError(f"subset of {ds.name} keeps no images")
    relabel = {c: j for j, c in enumerate(kept)}
    labels = np.asarray([relabel[int(c)] for c in ds.labels[indices]], dtype=np.int32)
    coarse_labels = coarse_names = None
    if ds.coarse_labels is not None:
        kept_coarse = sorted(set(ds.coarse_labels[indices].tolist()))
        remap = {c: j for j, c in enumerate(kept_coarse)}
        coarse_labels = np.asarray([remap[int(c)] for c in ds.coarse_labels[indices]], dtype=np.int32)
        coarse_names = [ds.coarse_names[c] for c in kept_coarse]
    parts = [f"{len(kept)} classes" if len(kept) < len(ds.class_names) else "", f"≤{per_class}/class" if per_class else ""]
    return Split(f"{ds.name} [{', '.join(p for p in parts if p)}]", ds.images[indices], labels,
                 [ds.class_names[c] for c in kept], coarse_labels, coarse_names)


# --- the epoch sampler (sampler.ts) --------------------------------------------------------------

def epoch_seed(seed, epoch):
    h = (_imul(seed & M32, 0x9E3779B1) ^ _imul((epoch + 1) & M32, 0x85EBCA77)) & M32
    h = _imul(h ^ (h >> 16), 0x7FEB352D)
    h = _imul(h ^ (h >> 15), 0x846CA68B)
    return (h ^ (h >> 16)) & M32


class BatchSampler:
    """Each epoch visits every index once in the order Rng(epoch_seed(seed, e)).shuffle gives."""

    def __init__(self, size, seed, epoch=0, position=0):
        if size < 1:
            raise DatasetError(f"cannot sample batches from a dataset of {size} images")
        if not (0 <= position < size and epoch >= 0):
            raise DatasetError(f"invalid sampler state epoch {epoch}, position {position} for {size} images")
        self.size, self.seed, self.epoch, self.position = size, seed, epoch, position
        self.order = self._permutation(epoch)

    def _permutation(self, epoch):
        return Rng(epoch_seed(self.seed, epoch)).shuffle(list(range(self.size)))

    def next(self, batch_size):
        out = []
        for _ in range(batch_size):
            out.append(self.order[self.position])
            self.position += 1
            if self.position == self.size:
                self.epoch += 1
                self.position = 0
                self.order = self._permutation(self.epoch)
        return np.asarray(out, dtype=np.int64)

    @property
    def state(self):
        return {"size": self.size, "seed": self.seed, "epoch": self.epoch, "position": self.position}


# --- batches (batch.ts) --------------------------------------------------------------------------

def _normalised_lut():
    """byte → (x/255 − mean_c)/std_c per channel, computed in float64 and stored as float32 (batch.ts)."""
    x = np.arange(256, dtype=np.float64) / 255
    return np.stack([((x - m) / s).astype(np.float32) for m, s in zip(CIFAR100_MEAN, CIFAR100_STD)])


LUT = _normalised_lut()


def draw_augmentations(rng, n, flip, crop_pad):
    """Per image: flip (one draw), then crop offsets dx, dy (one draw each), as drawAugmentation."""
    per = int(flip) + (2 if crop_pad > 0 else 0)
    u = rng.uniforms(n * per).reshape(n, per) if per else np.zeros((n, 0))
    col = 0
    flips = np.zeros(n, dtype=bool)
    dx = dy = np.zeros(n, dtype=np.int64)
    if flip:
        flips = u[:, 0] < 0.5
        col = 1
    if crop_pad > 0:
        dx = np.floor(u[:, col] * (2 * crop_pad + 1)).astype(np.int64)
        dy = np.floor(u[:, col + 1] * (2 * crop_pad + 1)).astype(np.int64)
    return flips, dx, dy


def patch_batch(images, patch_size, flips=None, dx=None, dy=None, crop_pad=0):
    """uint8 [B,3,32,32] → float32 [B, N, 3·p·p] normalised patches (row-major grid, (c, y, x) inside),
    each image zero-padded by crop_pad, cropped at (dy, dx), then mirrored where flips is set."""
    B = images.shape[0]
    S, p = IMAGE_SIZE, patch_size
    if crop_pad > 0:
        padded = np.zeros((B, 3, S + 2 * crop_pad, S + 2 * crop_pad), dtype=np.uint8)
        padded[:, :, crop_pad:crop_pad + S, crop_pad:crop_pad + S] = images
        rows = dy[:, None] + np.arange(S)[None, :]  # [B, S]
        cols = dx[:, None] + np.arange(S)[None, :]
        images = padded[np.arange(B)[:, None, None, None], np.arange(3)[None, :, None, None],
                        rows[:, None, :, None], cols[:, None, None, :]]
    if flips is not None and flips.any():
        images = images.copy()
        images[flips] = images[flips][..., ::-1]
    values = LUT[np.arange(3)[None, :, None, None], images]  # [B, 3, S, S] float32
    g = S // p
    return np.ascontiguousarray(values.reshape(B, 3, g, p, g, p).transpose(0, 2, 4, 1, 3, 5).reshape(B, g * g, 3 * p * p))
