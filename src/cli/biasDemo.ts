// npm run bias-demo -- --out DIR [--depth L] [--lambdas …] [--rhos …] [--steps N] [--lr η]
// [--init ε]: see biasDemoCommand.ts.
import { biasDemoCommand } from './biasDemoCommand';
import { runMain } from './main';

runMain('bias-demo', biasDemoCommand);
