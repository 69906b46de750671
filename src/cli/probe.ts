// npm run probe -- --weights FILE.safetensors --out DIR [--dataset …] [subset flags] [--epochs N]
// [--test-per-class N] [--backend wasm|cpu] [--kind linear|attentive [--heads H] [--queries Q]]:
// see probeCommand.ts.
import { runMain } from './main';
import { probeCommand } from './probeCommand';

runMain('probe', probeCommand);
