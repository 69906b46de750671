// npm run probe -- --weights FILE.safetensors --out DIR [--dataset …] [subset flags] [--epochs N]
// [--test-per-class N] [--backend wasm|cpu] [--kind linear|attentive [--heads H] [--queries Q]]
// [--kind knn [--k 20] [--temperature 0.07]]: see probeCommand.ts.
import { runMain } from './main';
import { probeCommand } from './probeCommand';

runMain('probe', probeCommand);
