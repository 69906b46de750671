// npm run train -- … --out DIR [--probe-every N]: see trainCommand.ts.
import { runMain } from './main';
import { trainCommand } from './trainCommand';

runMain('train', trainCommand);
