"""The lab's masks (src/engine/masks.ts), draw for draw: from the same Rng state they give the same
context and target positions as the engine, so a PyTorch run sees the masks a lab run of the same
seed sees. Two strategies: I-JEPA's multi-block masks ('blocks') and MAE's random ones ('random').

Per batch: one target-block size and one context-block size; per image, `numTargets` target blocks
and a context block with the targets cut out; every row truncated to the batch minimum. The lab's
two departures from the I-JEPA reference are kept ("whole-grid", the default): blocks centred on a
uniformly drawn patch, and context truncation to a random subset instead of the first positions.
"""

import math

from lab_config import js_round


def sample_block_size(rng, grid, scale, aspect):
    """(h, w) for a scale and aspect range; one draw sets both, as in the reference."""
    r = rng.next()
    max_keep = math.floor(grid * grid * (scale[0] + r * (scale[1] - scale[0])))
    ar = aspect[0] + r * (aspect[1] - aspect[0])
    h = js_round(math.sqrt(max_keep * ar))
    w = js_round(math.sqrt(max_keep / ar))
    h, w = min(h, grid - 1), min(w, grid - 1)
    return max(h, 1), max(w, 1)


def block_start(rng, grid, size, corners):
    """Where a block starts along one axis: 'reference' I-JEPA's exclusive randint, 'whole-grid'
    centred on a uniform patch and shifted to fit."""
    if corners == "reference":
        return rng.int(grid - size)
    centre = rng.int(grid)
    return min(max(centre - size // 2, 0), grid - size)


def sample_block_mask(rng, grid, size, min_keep, cut_out=None, corners="whole-grid"):
    """One block minus the cells of the blocks in cut_out, keeping more than min_keep patches; after
    20 failures one of those constraints is dropped. Returns (positions ascending, the block's cells)."""
    h, w = size
    tries, timeout = 0, 20
    while True:
        top = block_start(rng, grid, h, corners)
        left = block_start(rng, grid, w, corners)
        block = [r * grid + c for r in range(top, top + h) for c in range(left, left + w)]
        kept = block
        if cut_out:
            for region in cut_out[: max(len(cut_out) - tries, 0)]:
                kept = [i for i in kept if i not in region]
        if len(kept) > min_keep or tries > (len(cut_out) if cut_out else 0):
            return sorted(kept), set(block)
        timeout -= 1
        if timeout == 0:
            tries += 1
            timeout = 20


def random_subset(rng, row, k):
    """k of the ascending positions in row, uniformly at random, kept ascending (masks.ts randomSubset)."""
    if k >= len(row):
        return list(row)
    return sorted(rng.shuffle(list(row))[:k])


def visible_patches(mask_ratio, n):
    """round((1 − maskRatio)·N), the patches MAE's encoder sees (config.ts visiblePatches)."""
    return js_round((1 - mask_ratio) * n)


def sample_random_masks(rng, B, grid, mask_ratio):
    """MAE's masks (He et al.) for B images: per image a random permutation π of the N patches; the
    context is π's first round((1 − maskRatio)·N), the one target block every other (masked) patch,
    both ascending (masks.ts sampleRandomMasks)."""
    n = grid * grid
    keep = visible_patches(mask_ratio, n)
    context, masked = [], []
    for _ in range(B):
        order = rng.shuffle(list(range(n)))
        context.append(sorted(order[:keep]))
        masked.append(sorted(order[keep:]))
    return context, [masked]


def sample_batch_masks(rng, B, s, corners="whole-grid"):
    """Masks for B images: (context [B][Nc], targets [numTargets][B][Nt]), every row ascending.
    `s` holds grid, numTargets, targetScale, targetAspect, contextScale, minKeep, and optionally
    strategy ('blocks' or MAE's 'random') with its maskRatio."""
    grid = s["grid"]
    if s.get("strategy", "blocks") == "random":
        return sample_random_masks(rng, B, grid, s["maskRatio"])
    target_size = sample_block_size(rng, grid, s["targetScale"], s["targetAspect"])
    context_size = sample_block_size(rng, grid, s["contextScale"], [1, 1])
    targets = [[] for _ in range(s["numTargets"])]
    context = []
    num_target = num_context = grid * grid
    for _ in range(B):
        blocks = []  # the context block leaves out every target block of its image
        for m in range(s["numTargets"]):
            positions, block = sample_block_mask(rng, grid, target_size, s["minKeep"], None, corners)
            targets[m].append(positions)
            blocks.append(block)
            num_target = min(num_target, len(positions))
        positions, _ = sample_block_mask(rng, grid, context_size, s["minKeep"], blocks, corners)
        context.append(positions)
        num_context = min(num_context, len(positions))
    if corners == "reference":
        context = [row[:num_context] for row in context]
    else:
        context = [random_subset(rng, row, num_context) for row in context]
    return context, [[row[:num_target] for row in rows] for rows in targets]
