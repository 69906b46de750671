// npm run export-onnx -- --weights W.safetensors --out DIR   writes DIR/encoder.onnx
// npm run export-onnx -- --check FILE.onnx                   checks an exported file
// The export is the probed encoder (f_θ̄; an MAE run's context encoder) as ONNX (io/onnx/); the
// check verifies its digest and runs it in ONNX Runtime (onnxCheck.ts). Each prints one JSON line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { safetensorsEncoderOnnx } from '../io/onnx/encoderModel';
import { OnnxFileError } from '../io/onnx/integrity';
import { UsageError } from './args';
import { checkOnnx, type OnnxCheck } from './onnxCheck';

const FLAGS = ['weights', 'out', 'check'] as const;

export type ExportOnnxSummary = { out: string; bytes: number; check: OnnxCheck } | ({ checked: string } & OnnxCheck);

function readFlagFile(flag: string, path: string): Uint8Array {
  if (!existsSync(path)) throw new UsageError(`--${flag}: file not found: ${path}`);
  return new Uint8Array(readFileSync(path));
}

/** The check, its refusal as a one-line UsageError naming the file. */
async function checked(path: string, bytes: Uint8Array): Promise<OnnxCheck> {
  try {
    return await checkOnnx(bytes);
  } catch (e) {
    if (e instanceof OnnxFileError) throw new UsageError(`--check: ${path} is refused: ${e.message}`);
    throw e;
  }
}

export async function exportOnnxCommand(argv: string[], log: (line: string) => void = console.log): Promise<ExportOnnxSummary> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: Object.fromEntries(FLAGS.map((f) => [f, { type: 'string' as const }])), strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  if (values.check !== undefined) {
    if (values.weights !== undefined || values.out !== undefined) throw new UsageError('--check FILE.onnx takes no other flag');
    const summary = { checked: values.check, ...(await checked(values.check, readFlagFile('check', values.check))) };
    log(JSON.stringify(summary));
    return summary;
  }
  if (!values.weights || !values.out) throw new UsageError('--weights FILE.safetensors and --out DIR are required (or --check FILE.onnx)');
  const weights = readFlagFile('weights', values.weights);
  let onnxBytes: Uint8Array;
  try {
    onnxBytes = await safetensorsEncoderOnnx(weights);
  } catch (e) {
    throw new UsageError(`--weights: ${values.weights} is refused: ${(e as Error).message.split('\n')[0]}`);
  }
  mkdirSync(values.out, { recursive: true });
  const out = join(values.out, 'encoder.onnx');
  writeFileSync(out, onnxBytes);
  // What was written is checked as a user's --check would check it.
  const summary = { out, bytes: onnxBytes.length, check: await checked(out, onnxBytes) };
  log(JSON.stringify(summary));
  return summary;
}
