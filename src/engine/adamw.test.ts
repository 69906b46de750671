import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw';
import { ParamSet } from './params';
import { Rng } from '../shared/rng';
import * as tf from './tf';

describe('AdamW', () => {
  it('matches torch.optim.AdamW step by step, with decay only where it applies', () => {
    const ps = new ParamSet('t.', new Rng(0), true);
    const w = ps.add('w', [2], { kind: 'ones' }, { decay: true });
    const b = ps.add('b', [2], { kind: 'ones' }, { decay: false });
    const opt = new AdamW(ps.trainableParams());
    const [lr, wd, b1, b2, eps] = [0.1, 0.5, 0.9, 0.999, 1e-8];
    const gs = [[0.5, -2], [1, 1], [-3, 0.25]];
    // Reference in double precision, written from the torch AdamW update.
    let pw = [1, 1];
    let pb = [1, 1];
    let m = [0, 0];
    let v = [0, 0];
    gs.forEach((g, t) => {
      opt.apply({ [w.name]: tf.tensor1d(g), [b.name]: tf.tensor1d(g) }, lr, wd);
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] ** 2);
      const step = m.map((mi, i) => mi / (1 - b1 ** (t + 1)) / (Math.sqrt(v[i] / (1 - b2 ** (t + 1))) + eps));
      pw = pw.map((p, i) => p * (1 - lr * wd) - lr * step[i]);
      pb = pb.map((p, i) => p - lr * step[i]);
    });
    const gotW = w.dataSync();
    const gotB = b.dataSync();
    for (let i = 0; i < 2; i++) {
      expect(gotW[i]).toBeCloseTo(pw[i], 5);
      expect(gotB[i]).toBeCloseTo(pb[i], 5);
    }
    expect(gotW[0]).not.toBeCloseTo(gotB[0], 3); // decay made a difference
    opt.dispose();
    ps.dispose();
  });
});
