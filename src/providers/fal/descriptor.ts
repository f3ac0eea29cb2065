// fal.ai in the registry: `owner/app` ids, its model rows, FAL_KEY (or a proxy).
import type { ProviderDescriptor } from '../descriptor.js';
import { falEndpoint, falEndpointIds } from './catalogue.js';
import { falKeyPresent, MISSING_KEY_MESSAGE } from './credentials.js';
import { DEFAULT_RATIOS, FAL_MODELS } from './models.js';

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
      ? { id, provider: 'fal', task: 'i2v', media, size: 'none', imageField: 'image_url', aspectRatios: genericRatios(id), price: {} }
      : { id, provider: 'fal', task: 't2i', media, size: 'image_size', imageField: 'image_url', seed: true, numImages: true, price: {} },
  remoteImages: true,
  published: falEndpointIds,
  requires: (id, field) => falEndpoint(id)?.[field]?.required === true,
  concurrency: 4,
  env: ['FAL_'],
  endpointVars: ['AIVP_FAL_PROXY_URL'],
  keyVars: ['FAL_KEY', 'FAL_KEY_SECRET'],
  missingKey: (env) => (falKeyPresent(env) ? undefined : MISSING_KEY_MESSAGE),
  load: async (env, root) => (await import('./provider.js')).createFalProvider({ env, root }),
};

/**
 * The `aspect_ratio` values of a video model outside the table: its catalogued enum, none when its
 * input has no such field, common ones when the field takes any text or fal published the model
 * after the catalogue.
 */
function genericRatios(id: string): string[] | undefined {
  const type = falEndpoint(id);
  if (!type) return DEFAULT_RATIOS;
  const field = type.aspect_ratio;
  if (!field) return undefined;
  if (!field.values) return DEFAULT_RATIOS;
  const ratios = field.values.filter((v): v is string => typeof v === 'string' && /^\d+:\d+$/.test(v));
  return ratios.length > 0 ? ratios : undefined;
}
