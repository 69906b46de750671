// One step's batch as a safetensors file, in the image-major layouts the PyTorch side reads
// (interop/pytorch/step_check.py, ijepa_parity.py): patches [B, N, P], context [B, Nc], targets
// [nT, B, Nt] and, in sparse mode, noise [nT, B, Nt, K]. The engine's rows are time-major
// (batch.ts: patch t of image b at row t·B + b, target patch j of block m of image b at
// (j·nT + m)·B + b), so each is reordered here, on the host.
import { writeSafetensors } from '../io/safetensors';
import { fromTimeMajor } from './batch';
import type { BatchTensors } from './model';

export function encodeBatchFile(b: BatchTensors): Uint8Array {
  const [BN, P] = b.patches.shape;
  const [B, N, nT, Nc, Nt] = [b.B, BN / b.B, b.numTargets, b.numContext, b.numTarget];
  const ctx = fromTimeMajor(Float32Array.from(b.contextPos.dataSync()), B, Nc, 1);
  const tgt = fromTimeMajor(Float32Array.from(b.targetPos.dataSync()), nT * B, Nt, 1);
  const tensors = [
    { name: 'patches', shape: [B, N, P], data: fromTimeMajor(b.patches.dataSync() as Float32Array, B, N, P) },
    { name: 'context', shape: [B, Nc], data: Int32Array.from(ctx), dtype: 'I32' as const },
    { name: 'targets', shape: [nT, B, Nt], data: Int32Array.from(tgt), dtype: 'I32' as const },
  ];
  if (b.noise) {
    const K = b.noise.shape[1];
    tensors.push({ name: 'noise', shape: [nT, B, Nt, K], data: fromTimeMajor(b.noise.dataSync() as Float32Array, nT * B, Nt, K) });
  }
  return writeSafetensors(tensors);
}
