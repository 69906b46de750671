// A run's weights file as the commands that read one take it (--weights): read, parsed, and its
// config from __metadata__; every refusal names the file.
import { existsSync, readFileSync } from 'node:fs';
import { readSafetensors, type SafetensorsFile } from '../io/safetensors';
import { UsageError } from './args';

export interface WeightsFile {
  bytes: Uint8Array;
  file: SafetensorsFile;
  /** The run's config as its metadata holds it (checked by the config schema where it is used). */
  config: Record<string, unknown>;
  /** The step the weights were saved at. */
  step: number;
}

export function readWeightsFile(path: string): WeightsFile {
  if (!existsSync(path)) throw new UsageError(`--weights: file not found: ${path}`);
  const bytes = new Uint8Array(readFileSync(path));
  let file: SafetensorsFile;
  try {
    file = readSafetensors(bytes);
  } catch (e) {
    throw new UsageError(`--weights: ${path} is not a readable .safetensors file: ${(e as Error).message}`);
  }
  const text = file.metadata.config;
  if (text === undefined) throw new UsageError(`--weights: ${path} has no __metadata__.config (not written by this lab?)`);
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    config = null;
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new UsageError(`--weights: ${path}: __metadata__.config is not a JSON object`);
  return { bytes, file, config: config as Record<string, unknown>, step: Number(file.metadata.step ?? 0) };
}
