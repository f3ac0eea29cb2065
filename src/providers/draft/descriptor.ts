// The offline renderer in the registry: the id `draft`, free, no key, takes anything.
import type { ProviderDescriptor } from '../descriptor.js';

export const DRAFT: ProviderDescriptor = {
  id: 'draft',
  shape: /^draft$/,
  named: true,
  about: 'The built-in offline draft renderer (model `draft`).',
  models: [{ id: 'draft', provider: 'draft', task: 'edit', media: 'image', size: 'none', maxRefs: 64, seed: true, numImages: true, price: {} }],
  inlineImages: true,
  free: true,
  concurrency: 4,
  env: ['FFMPEG_PATH'],
  endpointVars: [],
  keyVars: [],
  missingKey: () => undefined,
  load: async (env) => (await import('./provider.js')).createDraftProvider({ env }),
};
