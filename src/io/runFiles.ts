// The text files of a run made outside the page — by `npm run train` or by
// interop/pytorch/train.py — read back for the page's import: metrics.jsonl (one StepMetrics per
// line, the lab's schema), probes.jsonl (the command line's probe lines), config.json, and the
// `run` entry train.py writes into weights.safetensors' metadata. Each reader checks everything
// and throws RunFileError naming the file (and the line) and what is wrong.
import { z } from 'zod';
import { parseSavedConfig, type LabConfig } from '../engine/config';
import { StepMetricsSchema, type StepMetrics } from '../engine/types';
import { errText } from '../shared/errors';

export class RunFileError extends Error {
  override name = 'RunFileError';
}

/** zod's issues as one line: "loss: expected number; step: …". */
function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ');
}

/**
 * One line of metrics.jsonl: StepMetrics (src/engine/types.ts's schema) with `ema` null where it
 * was NaN (a run without an EMA target: JSON has no NaN). Fields the lab does not know are dropped.
 */
const StepLineSchema = StepMetricsSchema.extend({ ema: z.number().nullable() });

/** One line of probes.jsonl (src/cli/trainCommand.ts ProbePoint): the probe at `step` beside the random-init floor. */
const ProbeLineSchema = z.object({
  step: z.number().int().nonnegative(),
  top1: z.number().min(0).max(1),
  top5: z.number().min(0).max(1),
  randomInitTop1: z.number().min(0).max(1),
  randomInitTop5: z.number().min(0).max(1),
  trainCount: z.number().int().nonnegative(),
  testCount: z.number().int().nonnegative(),
});
export type ProbeLine = z.infer<typeof ProbeLineSchema>;

/** The `run` entry of train.py's weights metadata (interop/pytorch/train.py run_info). */
const RunMetadataSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  source: z.string().min(1),
  torch: z.string().optional(),
  device: z.string().optional(),
  processes: z.number().int().min(1).optional(),
  dataset: z.string().optional(),
});
export type RunMetadata = z.infer<typeof RunMetadataSchema>;

/** Non-empty lines with their 1-based line numbers. */
function lines(text: string): { n: number; text: string }[] {
  return text
    .split('\n')
    .map((t, i) => ({ n: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '');
}

function jsonLine(file: string, l: { n: number; text: string }): unknown {
  try {
    return JSON.parse(l.text);
  } catch (e) {
    throw new RunFileError(`${file} line ${l.n} is not JSON (${errText(e)}): not a metrics or probes file of the lab`);
  }
}

/** metrics.jsonl: every line a StepMetrics of the lab's schema, steps increasing. */
export function parseMetricsJsonl(text: string, file = 'metrics.jsonl'): StepMetrics[] {
  const out: StepMetrics[] = [];
  for (const l of lines(text)) {
    const r = StepLineSchema.safeParse(jsonLine(file, l));
    if (!r.success) throw new RunFileError(`${file} line ${l.n} is not the lab's metrics schema (one StepMetrics per line): ${issuesText(r.error)}`);
    const m = r.data;
    const prev = out[out.length - 1];
    if (prev && m.step <= prev.step) throw new RunFileError(`${file} line ${l.n}: step ${m.step} after step ${prev.step} (steps must increase)`);
    if (m.groupNorms && m.groupNorms.some((row) => row.length !== m.groupNorms![0].length)) {
      throw new RunFileError(`${file} line ${l.n}: groupNorms rows differ in length (expected G rows of K column norms)`);
    }
    const { ema, ...rest } = m;
    out.push({ ...rest, ema: ema ?? NaN });
  }
  if (!out.length) throw new RunFileError(`${file} holds no metrics (it is empty)`);
  return out;
}

/** probes.jsonl: one probe line per probed step. */
export function parseProbesJsonl(text: string, file = 'probes.jsonl'): ProbeLine[] {
  const out: ProbeLine[] = [];
  for (const l of lines(text)) {
    const r = ProbeLineSchema.safeParse(jsonLine(file, l));
    if (!r.success) throw new RunFileError(`${file} line ${l.n} is not a probe line of the lab (step, top1, top5, randomInitTop1, …): ${issuesText(r.error)}`);
    out.push(r.data);
  }
  return out.sort((a, b) => a.step - b.step);
}

/** config.json: the full config through the one schema. */
export function parseRunConfig(text: string, file = 'config.json'): LabConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RunFileError(`${file} is not JSON (${errText(e)})`);
  }
  try {
    return parseSavedConfig(raw);
  } catch (e) {
    throw new RunFileError(`${file} is not a config of the lab: ${errText(e)}`);
  }
}

/** The `run` metadata entry (a JSON string), or null where the file has none (weights the lab wrote). */
export function parseRunMetadata(value: string | undefined, file = 'weights.safetensors'): RunMetadata | null {
  if (value === undefined) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch (e) {
    throw new RunFileError(`${file}: its "run" metadata is not JSON (${errText(e)})`);
  }
  const r = RunMetadataSchema.safeParse(raw);
  if (!r.success) throw new RunFileError(`${file}: its "run" metadata is not train.py's (id, name, source, …): ${issuesText(r.error)}`);
  return r.data;
}
