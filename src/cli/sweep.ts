// npm run sweep -- … --out DIR: see sweepCommand.ts.
import { runMain } from './main';
import { sweepCommand } from './sweepCommand';

runMain('sweep', sweepCommand);
