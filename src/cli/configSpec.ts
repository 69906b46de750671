// The lab's config schema as data, for the PyTorch trainer (interop/pytorch/lab_config.json):
// the zod schema as JSON Schema (types, bounds, defaults), the presets behind modelDims, and the
// file format versions both sides write. Generated, never edited by hand: `npm run config-spec`
// rewrites it, and src/cli/configSpec.test.ts fails while the committed file is stale.
import { z } from 'zod';
import { CHECKPOINT_FORMAT } from '../io/checkpoint';
import { WEIGHTS_FORMAT } from '../io/trainerWeights';
import { ConfigSchema, GROUPINGS, PRESETS } from '../engine/config';

export const CONFIG_SPEC_PATH = 'interop/pytorch/lab_config.json';

export function configSpec(): Record<string, unknown> {
  return {
    comment: 'Generated from src/engine/config.ts by `npm run config-spec`; do not edit.',
    weightsFormat: WEIGHTS_FORMAT,
    checkpointFormat: CHECKPOINT_FORMAT,
    presets: PRESETS,
    groupings: GROUPINGS,
    schema: z.toJSONSchema(ConfigSchema, { io: 'input' }),
  };
}

/** The file's text: stable formatting, so a stale copy shows as a diff. */
export const configSpecText = (): string => JSON.stringify(configSpec(), null, 1) + '\n';
