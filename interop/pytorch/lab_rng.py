"""The lab's seeded generator (src/shared/rng.ts, mulberry32), bit for bit, so the PyTorch trainer
draws the same batches, augmentations, masks, noise and initial weights as the engine from a seed.

mulberry32's state only ever advances by a constant, so n draws are one vectorised numpy
expression (`uniforms(n)`); the scalar methods are the same function on one state.
"""

import math

import numpy as np

M32 = 0xFFFFFFFF
STEP = 0x6D2B79F5
TWO32 = 4294967296.0


def _imul(a, b):
    """Math.imul on uint32 values (Python ints or uint64 arrays): the low 32 bits of the product."""
    return (a * b) & M32


def _hash(t):
    """mulberry32's output function of the advanced state t (uint32): rng.ts next() without the division."""
    t = _imul(t ^ (t >> 15), t | 1)
    t = t ^ ((t + _imul(t ^ (t >> 7), t | 61)) & M32)
    return (t ^ (t >> 14)) & M32


class Rng:
    """rng.ts's Rng: uniform floats in [0, 1) from a 32-bit state."""

    def __init__(self, seed):
        self.state = (int(seed) & M32) ^ 0x9E3779B9

    def next(self):
        self.state = (self.state + STEP) & M32
        return _hash(self.state) / TWO32

    def uniforms(self, n):
        """The next n values of next(), as float64, in draw order."""
        steps = np.arange(1, n + 1, dtype=np.uint64)
        t = (np.uint64(self.state) + steps * np.uint64(STEP)) & np.uint64(M32)
        self.state = (self.state + n * STEP) & M32
        return _hash(t).astype(np.float64) / TWO32

    def uniform(self, lo, hi):
        return lo + (hi - lo) * self.next()

    def int(self, n):
        """Integer in [0, n)."""
        return math.floor(self.next() * n)

    def uint32(self):
        return math.floor(self.next() * TWO32) & M32

    def normal(self):
        """Standard normal (Box–Muller, one value per two draws, as rng.ts)."""
        u = 1 - self.next()
        v = self.next()
        return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * v)

    def normals(self, n):
        """The next n values of normal(), float64."""
        x = self.uniforms(2 * n)
        u, v = 1 - x[0::2], x[1::2]
        return np.sqrt(-2 * np.log(u)) * np.cos(2 * np.pi * v)

    def trunc_normals(self, n):
        """n normals inside [-2, 2], each redrawn until it is (params.ts truncNormal before the std)."""
        out = np.empty(0)
        while len(out) < n:
            need = n - len(out)
            start = self.state
            z = self.normals(need + 8 + need // 16)  # a few spare: about 4.6 % fall outside ±2
            keep = np.flatnonzero((z >= -2) & (z <= 2))
            if len(keep) >= need:  # rewind to just after the last normal used
                used = keep[need - 1] + 1
                self.state = (start + 2 * used * STEP) & M32
                keep = keep[:need]
            out = np.concatenate([out, z[keep]])
        return out

    def shuffle(self, a):
        """Fisher–Yates in place on a list or 1-D array, as rng.ts shuffle."""
        n = len(a)
        if n < 2:
            return a
        u = self.uniforms(n - 1)  # for i = n-1 down to 1
        i = np.arange(n - 1, 0, -1)
        js = np.floor(u * (i + 1)).astype(np.int64).tolist()
        for i, j in zip(range(n - 1, 0, -1), js):
            a[i], a[j] = a[j], a[i]
        return a
