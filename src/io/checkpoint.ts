// A checkpoint is a .safetensors file: the tensors of a TrainerState (weights and AdamW
// moments, engine layout) plus the rest of the state as JSON in __metadata__.
import { parseSavedConfig } from '../engine/config';
import type { TrainerState } from '../engine/trainer';
import { readSafetensors, writeSafetensors } from './safetensors';

export const CHECKPOINT_FORMAT = 'sparsejepa-lab/checkpoint/1';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function encodeCheckpoint(state: TrainerState): Uint8Array {
  const { tensors, ...rest } = state;
  return writeSafetensors(
    tensors.map((t) => ({ ...t, dtype: 'F32' as const })),
    { format: CHECKPOINT_FORMAT, state: JSON.stringify(rest) },
  );
}

const isInt = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export function decodeCheckpoint(bytes: Uint8Array): TrainerState {
  const file = readSafetensors(bytes);
  if (file.metadata.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`not a SparseJEPA Lab checkpoint (format ${JSON.stringify(file.metadata.format ?? null)})`);
  }
  let rest: Record<string, unknown>;
  try {
    rest = JSON.parse(file.metadata.state);
  } catch {
    throw new CheckpointError('checkpoint state is not JSON');
  }
  const rng = rest.rng as Record<string, unknown> | undefined;
  const hyper = rest.hyper as Record<string, unknown> | undefined;
  const sampler = rest.sampler as Record<string, unknown> | undefined;
  if (!isInt(rest.step) || !isInt(rest.imagesSeen) || !isInt(rest.adamStep)) throw new CheckpointError('checkpoint step counters are missing or invalid');
  if (!rng || ![rng.data, rng.mask, rng.noise].every(isInt)) throw new CheckpointError('checkpoint RNG state is missing or invalid');
  if (!hyper || ![hyper.lambda, hyper.beta, hyper.lr].every(isNum)) throw new CheckpointError('checkpoint λ/β/lr are missing or invalid');
  if (!sampler || ![sampler.size, sampler.seed, sampler.epoch, sampler.position].every(isInt)) throw new CheckpointError('checkpoint sampler state is missing or invalid');
  const tensors = [...file.tensors].map(([name, t]) => ({
    name,
    shape: t.shape,
    data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data),
  }));
  return {
    config: parseSavedConfig(rest.config),
    step: rest.step,
    imagesSeen: rest.imagesSeen,
    adamStep: rest.adamStep,
    hyper: { lambda: hyper.lambda as number, beta: hyper.beta as number, lr: hyper.lr as number },
    rng: { data: rng.data as number, mask: rng.mask as number, noise: rng.noise as number },
    sampler: { size: sampler.size as number, seed: sampler.seed as number, epoch: sampler.epoch as number, position: sampler.position as number },
    tensors,
  };
}
