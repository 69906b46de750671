// Byte arrays laid end to end: what a streaming decoder's chunks, or an archive's parts, add up to.

/** One array holding `parts` in order (always a new array, also for one part). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
