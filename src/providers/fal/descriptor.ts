// fal.ai in the registry: `owner/app` ids, its model rows, FAL_KEY (or a proxy).
import type { ProviderDescriptor } from '../descriptor.js';
import { FAL_CATALOGUE } from './catalogue.js';
import { falKeyPresent, MISSING_KEY_MESSAGE } from './credentials.js';
import { falGenericRow } from './generic-row.js';
import { FAL_MODELS } from './models.js';

export const FAL: ProviderDescriptor = {
  id: 'fal',
  // Last in the registry: any `owner/app` id that no other provider claims.
  shape: /^[\w.-]+\/[\w.-]+/,
  shapeHint: 'fal ids look like `owner/app` (e.g. `fal-ai/flux/dev`)',
  named: true,
  about: 'fal.ai (model ids like `fal-ai/flux/dev`). Key: FAL_KEY in the environment or `.env`.',
  models: FAL_MODELS,
  genericRow: falGenericRow,
  remoteImages: true,
  catalogue: FAL_CATALOGUE,
  concurrency: 4,
  env: ['FAL_'],
  endpointVars: ['AIVP_FAL_PROXY_URL'],
  keyVars: ['FAL_KEY', 'FAL_KEY_SECRET'],
  missingKey: (env) => (falKeyPresent(env) ? undefined : MISSING_KEY_MESSAGE),
  load: async (env, root) => (await import('./provider.js')).createFalProvider({ env, root }),
};

