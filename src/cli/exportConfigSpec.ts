// npm run config-spec: rewrite interop/pytorch/lab_config.json from the zod schema (see configSpec.ts).
import { writeFileSync } from 'node:fs';
import { CONFIG_SPEC_PATH, configSpecText } from './configSpec';
import { runMain } from './main';

runMain('config-spec', async () => {
  writeFileSync(CONFIG_SPEC_PATH, configSpecText());
  console.error(`config-spec: wrote ${CONFIG_SPEC_PATH}`);
});
