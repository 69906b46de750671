// A small, independent .safetensors reader for the tests (8-byte LE header length, JSON header,
// then the data), and the names and shapes the lab's model must export.

export interface StTensor {
  dtype: string;
  shape: number[];
  data: Float32Array;
}

export function parseSafetensors(buf: Buffer): { metadata: Record<string, string>; tensors: Map<string, StTensor> } {
  if (buf.length < 8) throw new Error('file shorter than 8 bytes');
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw new Error(`header length ${n} runs past the end`);
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  const base = 8 + n;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, StTensor>();
  const spans: [number, number][] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets } = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const [a, b] = data_offsets;
    const count = shape.reduce((x, y) => x * y, 1);
    if (dtype !== 'F32') throw new Error(`${name}: dtype ${dtype}`);
    if (b - a !== 4 * count) throw new Error(`${name}: ${b - a} bytes for ${count} float32 values`);
    if (base + b > buf.length) throw new Error(`${name}: data past the end of the file`);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(base + a + 4 * i);
    tensors.set(name, { dtype, shape, data });
    spans.push([a, b]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  let end = 0;
  for (const [a, b] of spans) {
    if (a !== end) throw new Error(`data is not contiguous at byte ${a}`);
    end = b;
  }
  if (base + end !== buf.length) throw new Error(`${buf.length - base - end} trailing bytes`);
  return { metadata, tensors };
}

/** I-JEPA module names (timm ViT layout) plus the SparseJEPA group head, for a preset's sizes. */
export function expectedTensors(d: { D: number; depth: number; Dp: number; predDepth: number; N: number; p: number; K: number; G: number; mlp: number }): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const block = (prefix: string, w: number) => {
    out.set(`${prefix}.norm1.weight`, [w]);
    out.set(`${prefix}.norm1.bias`, [w]);
    out.set(`${prefix}.attn.qkv.weight`, [3 * w, w]);
    out.set(`${prefix}.attn.qkv.bias`, [3 * w]);
    out.set(`${prefix}.attn.proj.weight`, [w, w]);
    out.set(`${prefix}.attn.proj.bias`, [w]);
    out.set(`${prefix}.norm2.weight`, [w]);
    out.set(`${prefix}.norm2.bias`, [w]);
    out.set(`${prefix}.mlp.fc1.weight`, [d.mlp * w, w]);
    out.set(`${prefix}.mlp.fc1.bias`, [d.mlp * w]);
    out.set(`${prefix}.mlp.fc2.weight`, [w, d.mlp * w]);
    out.set(`${prefix}.mlp.fc2.bias`, [w]);
  };
  for (const enc of ['context_encoder', 'target_encoder']) {
    out.set(`${enc}.patch_embed.proj.weight`, [d.D, 3, d.p, d.p]);
    out.set(`${enc}.patch_embed.proj.bias`, [d.D]);
    out.set(`${enc}.pos_embed`, [1, d.N, d.D]);
    for (let i = 0; i < d.depth; i++) block(`${enc}.blocks.${i}`, d.D);
    out.set(`${enc}.norm.weight`, [d.D]);
    out.set(`${enc}.norm.bias`, [d.D]);
  }
  out.set('predictor.predictor_embed.weight', [d.Dp, d.D]);
  out.set('predictor.predictor_embed.bias', [d.Dp]);
  out.set('predictor.mask_token', [1, 1, d.Dp]);
  out.set('predictor.predictor_pos_embed', [1, d.N, d.Dp]);
  for (let i = 0; i < d.predDepth; i++) block(`predictor.predictor_blocks.${i}`, d.Dp);
  out.set('predictor.predictor_norm.weight', [d.Dp]);
  out.set('predictor.predictor_norm.bias', [d.Dp]);
  out.set('group_head.mu.weight', [d.K, d.Dp]);
  out.set('group_head.mu.bias', [d.K]);
  out.set('group_head.logvar.weight', [d.K, d.Dp]);
  out.set('group_head.logvar.bias', [d.K]);
  out.set('group_head.W', [d.G, d.D, d.K]);
  out.set('group_head.b', [d.G, d.D]);
  return out;
}

/** The micro preset with the default settings: D=64, depth 2, predictor width 32 and depth 3, 4×4 patches, K=32, 2×2 groups. */
export const MICRO = { D: 64, depth: 2, Dp: 32, predDepth: 3, N: 64, p: 4, K: 32, G: 16, mlp: 4 };
