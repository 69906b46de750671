// For tests that call the PyTorch side (interop/pytorch): Debian's /usr/bin/python3 has torch and
// numpy (where it lacks them the tests are skipped and say why), and how two weight files compare.
import { execFileSync } from 'node:child_process';
import type { SafetensorsFile } from '../io/safetensors';

export const PY = '/usr/bin/python3';

/** Why PyTorch tests cannot run here, or null when they can. */
export const torchWhyNot: string | null = (() => {
  try {
    execFileSync(PY, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PY} cannot import torch and numpy (install Debian's python3-torch and python3-numpy)`;
  }
})();
if (torchWhyNot) console.warn(`PyTorch tests skipped: ${torchWhyNot}`);

/** ‖a − b‖₂ / ‖b‖₂. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-30);
}

const maxAbs = (x: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
};

export interface WeightsComparison {
  /** The largest per-tensor relative difference, and where. */
  worst: { name: string; diff: number };
  /** Problems that are not a matter of degree: a missing tensor, another shape, a key bias off its noise level. */
  problems: string[];
}

/**
 * Compare two weight files tensor by tensor (‖a − b‖/‖b‖). The attention key biases are the one
 * exception: b_k adds q·b_k to every score of a row, which softmax ignores, so their gradient is
 * exactly zero and computed as float rounding noise, which Adam's m̂/√v̂ turns into steps of
 * arbitrary sign in either implementation. Their third of qkv.bias must stay at noise level
 * (under a fifth of the query bias) in both files; the query and value thirds are compared.
 */
export function compareWeights(a: SafetensorsFile, b: SafetensorsFile): WeightsComparison {
  const problems: string[] = [];
  let worst = { name: '', diff: 0 };
  const note = (name: string, diff: number) => {
    if (diff > worst.diff || !Number.isFinite(diff)) worst = { name, diff };
  };
  for (const [name, t] of b.tensors) {
    const p = a.tensors.get(name);
    if (!p) {
      problems.push(`missing ${name}`);
      continue;
    }
    if (p.shape.join() !== t.shape.join()) {
      problems.push(`${name}: shape [${p.shape}] vs [${t.shape}]`);
      continue;
    }
    if (!name.endsWith('attn.qkv.bias')) {
      note(name, relDiff(p.data, t.data));
      continue;
    }
    const D = t.data.length / 3;
    const third = (x: ArrayLike<number>, i: number) => Array.prototype.slice.call(x, i * D, (i + 1) * D) as number[];
    const floor = 0.2 * maxAbs(third(t.data, 0));
    for (const [file, x] of [['a', p.data], ['b', t.data]] as const) {
      if (maxAbs(third(x, 1)) >= floor) problems.push(`${name}: key bias in ${file} at ${maxAbs(third(x, 1))}, not noise level (< ${floor})`);
    }
    note(`${name} (query third)`, relDiff(third(p.data, 0), third(t.data, 0)));
    note(`${name} (value third)`, relDiff(third(p.data, 2), third(t.data, 2)));
  }
  for (const name of a.tensors.keys()) if (!b.tensors.has(name)) problems.push(`extra ${name}`);
  return { worst, problems };
}
