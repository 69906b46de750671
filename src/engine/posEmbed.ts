// Fixed 2-D sine-cosine position embeddings, as in MAE / I-JEPA (get_2d_sincos_pos_embed).

/** 1-D embedding of positions: [sin(pos·ω_d), cos(pos·ω_d)], ω_d = 10000^(−d/(dim/2)). */
function sinCos1d(dim: number, pos: number[]): Float32Array[] {
  const half = dim / 2;
  return pos.map((p) => {
    const e = new Float32Array(dim);
    for (let d = 0; d < half; d++) {
      const omega = 1 / Math.pow(10000, d / half);
      e[d] = Math.sin(p * omega);
      e[half + d] = Math.cos(p * omega);
    }
    return e;
  });
}

/**
 * [grid², dim] row-major over the grid. As in the reference code, the first half of each
 * vector encodes the column index and the second half the row index.
 */
export function sinCos2d(dim: number, grid: number): Float32Array {
  if (dim % 4 !== 0) throw new Error(`2-D sin-cos position embedding needs a width divisible by 4, got ${dim}`);
  const cols: number[] = [];
  const rows: number[] = [];
  for (let r = 0; r < grid; r++) for (let c = 0; c < grid; c++) { rows.push(r); cols.push(c); }
  const ec = sinCos1d(dim / 2, cols);
  const er = sinCos1d(dim / 2, rows);
  const out = new Float32Array(grid * grid * dim);
  for (let i = 0; i < grid * grid; i++) {
    out.set(ec[i], i * dim);
    out.set(er[i], i * dim + dim / 2);
  }
  return out;
}
