// npm run sweep -- … --out DIR: see sweepCommand.ts.
import { runMain } from './main';
import { sweepCommand } from './sweepCommand';
import { stopOnSignals } from './trainCommand';

runMain('sweep', (argv) => sweepCommand(argv, console.log, stopOnSignals('sweep')));
