// npm run latents -- --weights FILE.safetensors --out DIR: see latentsCommand.ts.
import { latentsCommand } from './latentsCommand';
import { runMain } from './main';

runMain('latents', latentsCommand);
