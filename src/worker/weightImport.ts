// Files → Import weights: what a .safetensors file holds, and a fresh trainer holding its weights.
// A run from imported weights starts at step 0 with a fresh optimiser; the file's architecture
// wins, and the form's data, optimiser and seed settings stay. With `inspect` (a run trained
// outside the page, importedRun.ts) the trainer stands at the run's own step instead.
import { parseConfig, parseSavedConfig, withArchitecture, type LabConfig } from '../engine/config';
import type { Trainer } from '../engine/trainer';
import { readSafetensors } from '../io/safetensors';
import { standAt } from './importedRun';
import type { ImportedRunView, WeightsSummary } from './protocol';
import { errText } from '../shared/errors';

/** The file's tensors and metadata, and the config in its metadata (or why that is not valid). Throws SafetensorsError with the reason. */
export function weightsSummary(bytes: Uint8Array): WeightsSummary {
  const file = readSafetensors(bytes);
  const out: WeightsSummary = {
    tensors: [...file.tensors].map(([name, t]) => ({ name, shape: t.shape, dtype: t.dtype })),
    metadata: { ...file.metadata },
    loaded: false,
  };
  if (file.metadata.config) {
    try {
      out.config = parseSavedConfig(JSON.parse(file.metadata.config));
    } catch (e) {
      out.error = `the file's config metadata is not valid: ${errText(e)}`;
    }
  }
  return out;
}

/** The config of a run from the file's weights: the form's, with the file's architecture when it names one. */
export function importedConfig(summary: WeightsSummary, form: LabConfig): LabConfig {
  return parseConfig(summary.config ? withArchitecture(parseConfig(form), summary.config) : form);
}

/**
 * `fresh` filled with the file's weights (at the imported run's step with `inspect`); weights that
 * do not fit free it and give the reason instead. Tensor work: run it in the tensor queue.
 */
export async function fillWithWeights(fresh: Trainer, bytes: Uint8Array, inspect?: ImportedRunView): Promise<Trainer | { error: string }> {
  try {
    await fresh.importSafetensors(bytes);
    if (inspect) await standAt(fresh, inspect);
    return fresh;
  } catch (e) {
    fresh.dispose();
    return { error: errText(e) };
  }
}
