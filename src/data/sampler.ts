// Seeded epoch-wise shuffling: each epoch visits every index once in a fresh order.
// The order of epoch e depends only on (seed, e), so the state is four numbers and a
// checkpoint restores the exact batch sequence.
import { Rng } from '../shared/rng';
import { DatasetError } from './types';

export interface SamplerState {
  size: number;
  seed: number;
  /** Epoch the next index comes from (0-based). */
  epoch: number;
  /** Position of the next index within that epoch's order. */
  position: number;
}

export interface SampledBatch {
  indices: Int32Array;
  /** Epoch of the batch's first index. */
  epoch: number;
}

/** A 32-bit seed for epoch e's permutation, well mixed so consecutive epochs look unrelated. */
function epochSeed(seed: number, epoch: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export class BatchSampler {
  private readonly size: number;
  private readonly seed: number;
  private epoch = 0;
  private position = 0;
  private order: Int32Array;

  constructor(size: number, seed: number) {
    if (!Number.isInteger(size) || size < 1) throw new DatasetError(`cannot sample batches from a dataset of ${size} images`);
    this.size = size;
    this.seed = seed;
    this.order = this.permutation(0);
  }

  /** Epoch e's visiting order. */
  private permutation(epoch: number): Int32Array {
    const order = Int32Array.from({ length: this.size }, (_, i) => i);
    new Rng(epochSeed(this.seed, epoch)).shuffle(order);
    return order;
  }

  /**
   * The next `batchSize` indices. A batch that crosses an epoch end is completed from the
   * next epoch's order, so batches keep one shape and each epoch still covers every index
   * once (such a batch can hold an index twice, once from each epoch).
   */
  next(batchSize: number): SampledBatch {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new DatasetError(`batch size ${batchSize} must be a positive whole number`);
    const indices = new Int32Array(batchSize);
    const epoch = this.epoch;
    for (let b = 0; b < batchSize; b++) {
      indices[b] = this.order[this.position++];
      if (this.position === this.size) {
        this.epoch++;
        this.position = 0;
        this.order = this.permutation(this.epoch);
      }
    }
    return { indices, epoch };
  }

  /** Where the sampler stands, as plain JSON-able numbers. */
  get state(): SamplerState {
    return { size: this.size, seed: this.seed, epoch: this.epoch, position: this.position };
  }

  /** A sampler that continues exactly where `state` left off. */
  static fromState(state: SamplerState): BatchSampler {
    const s = new BatchSampler(state.size, state.seed);
    if (!Number.isInteger(state.epoch) || state.epoch < 0 || !Number.isInteger(state.position) || state.position < 0 || state.position >= state.size) {
      throw new DatasetError(`invalid sampler state ${JSON.stringify(state)}`);
    }
    s.epoch = state.epoch;
    s.position = state.position;
    s.order = s.permutation(state.epoch);
    return s;
  }
}
