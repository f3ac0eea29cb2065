// fal.ai in the registry: `owner/app` ids, its model rows, FAL_KEY (or a proxy).
import type { ProviderDescriptor } from '../descriptor.js';
import { falEndpoint } from './catalogue.js';
import { falKeyPresent } from './credentials.js';
import { FAL_MODELS } from './models.js';

export const FAL: ProviderDescriptor = {
  id: 'fal',
  // Last in the registry: any `owner/app` id that no other provider claims.
  shape: /^[\w.-]+\/[\w.-]+/,
  shapeHint: 'fal ids look like `owner/app` (e.g. `fal-ai/flux/dev`)',
  named: true,
  models: FAL_MODELS,
  genericRow: (id, media) =>
    media === 'video'
      ? { id, provider: 'fal', task: 'i2v', media, size: 'none', imageField: 'image_url', price: {} }
      : { id, provider: 'fal', task: 't2i', media, size: 'image_size', imageField: 'image_url', seed: true, numImages: true, price: {} },
  requires: (id, field) => falEndpoint(id)?.[field]?.required === true,
  concurrency: 4,
  keyVars: ['FAL_KEY', 'FAL_KEY_SECRET'],
  missingKey: (env) =>
    falKeyPresent(env) ? undefined : 'fal.ai models need FAL_KEY: set it in the environment or in a .env file in the project folder',
  load: async (env, root) => (await import('./provider.js')).createFalProvider({ env, root }),
};
