// npm run embed -- --weights FILE.safetensors --out DIR: see embedCommand.ts.
import { embedCommand } from './embedCommand';
import { runMain } from './main';

runMain('embed', embedCommand);
