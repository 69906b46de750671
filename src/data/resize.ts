// Any decoded image → one 32×32 CIFAR-layout image: the centred square crop of side
// min(width, height), resampled by area averaging (each output pixel is the mean of the source
// area it covers, fractional pixels weighted by their overlap — OpenCV's INTER_AREA; when the
// crop is smaller than 32 it is the same rule, which then blends at most two source pixels
// per axis). Transparent pixels are composited over black (colour × alpha). Done here in plain
// TypeScript rather than by the browser's canvas so the page and Node give the same bytes.
import { IMAGE_BYTES, IMAGE_SIZE } from './types';

/** For each output index along one axis: the source indices it covers and their weights (summing to 1). */
interface AxisWeights {
  /** Output i uses source entries start[i] .. start[i + 1] - 1 of `index` / `weight`. */
  start: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

/** Area weights for resampling `length` source pixels starting at `offset` onto `out` pixels. */
export function areaWeights(offset: number, length: number, out: number): AxisWeights {
  const scale = length / out;
  const start = new Int32Array(out + 1);
  const index: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < out; i++) {
    start[i] = index.length;
    const lo = i * scale;
    const hi = (i + 1) * scale;
    for (let s = Math.floor(lo); s < Math.min(length, Math.ceil(hi)); s++) {
      const w = Math.min(hi, s + 1) - Math.max(lo, s);
      if (w > 1e-12) {
        index.push(offset + s);
        weight.push(w / scale);
      }
    }
  }
  start[out] = index.length;
  return { start, index: Int32Array.from(index), weight: Float64Array.from(weight) };
}

/**
 * Centre-crop `rgba` (width × height × 4 bytes, row-major) to a square, area-resample it to
 * 32×32 and write it into `out` as CIFAR stores images: 1024 R, then 1024 G, then 1024 B bytes.
 */
export function centreCropResize(rgba: ArrayLike<number>, width: number, height: number, out: Uint8Array): void {
  if (rgba.length < width * height * 4) throw new RangeError(`centreCropResize: ${rgba.length} bytes for a ${width}×${height} RGBA image`);
  if (out.length < IMAGE_BYTES) throw new RangeError(`centreCropResize: output of ${out.length} bytes`);
  const S = IMAGE_SIZE;
  const side = Math.min(width, height);
  const xs = areaWeights(Math.floor((width - side) / 2), side, S);
  const ys = areaWeights(Math.floor((height - side) / 2), side, S);
  // Horizontal pass over the rows the crop uses: [side rows, S columns, 3 channels], alpha premultiplied.
  const y0 = Math.floor((height - side) / 2);
  const rows = new Float64Array(side * S * 3);
  for (let r = 0; r < side; r++) {
    const rowBase = (y0 + r) * width * 4;
    for (let i = 0; i < S; i++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let k = xs.start[i]; k < xs.start[i + 1]; k++) {
        const p = rowBase + xs.index[k] * 4;
        const w = (xs.weight[k] * rgba[p + 3]) / 255;
        red += rgba[p] * w;
        green += rgba[p + 1] * w;
        blue += rgba[p + 2] * w;
      }
      const o = (r * S + i) * 3;
      rows[o] = red;
      rows[o + 1] = green;
      rows[o + 2] = blue;
    }
  }
  // Vertical pass into planar output.
  const plane = S * S;
  for (let j = 0; j < S; j++) {
    for (let i = 0; i < S; i++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let k = ys.start[j]; k < ys.start[j + 1]; k++) {
        const o = ((ys.index[k] - y0) * S + i) * 3;
        const w = ys.weight[k];
        red += rows[o] * w;
        green += rows[o + 1] * w;
        blue += rows[o + 2] * w;
      }
      const q = j * S + i;
      out[q] = Math.min(255, Math.round(red));
      out[plane + q] = Math.min(255, Math.round(green));
      out[2 * plane + q] = Math.min(255, Math.round(blue));
    }
  }
}
