// npm run export-dataset -- --dataset synthetic --out FILE.tar.gz: see exportDatasetCommand.ts.
import { exportDatasetCommand } from './exportDatasetCommand';
import { runMain } from './main';

runMain('export-dataset', exportDatasetCommand);
