// fal.ai in the registry: `owner/app` ids, its model rows, FAL_KEY (or a proxy).
import { genericVideoRow, type ProviderDescriptor } from '../descriptor.js';
import { falKeyPresent } from './credentials.js';
import { FAL_MODELS } from './models.js';

export const FAL: ProviderDescriptor = {
  id: 'fal',
  // Last in the registry: any `owner/app` id that no other provider claims.
  shape: /^[\w.-]+\/[\w.-]+/,
  shapeHint: 'fal ids look like `owner/app` (e.g. `fal-ai/flux/dev`)',
  named: true,
  about: 'fal.ai (model ids like `fal-ai/flux/dev`). Key: FAL_KEY in the environment or `.env`.',
  models: FAL_MODELS,
  genericRow: (id, media) =>
    media === 'video'
      ? genericVideoRow(id, 'fal')
      : { id, provider: 'fal', task: 't2i', media, size: 'image_size', imageField: 'image_url', seed: true, numImages: true, price: {} },
  remoteImages: true,
  concurrency: 4,
  env: ['FAL_'],
  endpointVars: ['AIVP_FAL_PROXY_URL'],
  keyVars: ['FAL_KEY', 'FAL_KEY_SECRET'],
  missingKey: (env) =>
    falKeyPresent(env) ? undefined : 'fal.ai models need FAL_KEY: set it in the environment or in a .env file in the project folder',
  load: async (env, root) => (await import('./provider.js')).createFalProvider({ env, root }),
};
