// npm run train -- … --out DIR [--probe-every N]: see trainCommand.ts.
import { runMain } from './main';
import { stopOnSignals, trainCommand } from './trainCommand';

runMain('train', (argv) => trainCommand(argv, console.log, stopOnSignals()));
