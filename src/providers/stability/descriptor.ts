// Stability AI in the registry: reached by the `stability:` prefix, with STABILITY_API_KEY.
import { genericVideoRow, type ProviderDescriptor } from '../descriptor.js';
import { keyedSettings, missingKeyMessage } from '../keyed.js';
import { STABILITY_MODELS } from './models.js';
import { STABILITY_VARS } from './vars.js';

export const STABILITY: ProviderDescriptor = {
  id: 'stability',
  named: true,
  about: 'Stability AI Stable Image (`stability:ultra`, `stability:core`, `stability:sd3.5-large`, …). Key: STABILITY_API_KEY.',
  models: STABILITY_MODELS,
  repeats: true,
  genericRow: (id, media) =>
    media === 'video'
      ? genericVideoRow(id, 'stability')
      : { id, provider: 'stability', task: 't2i', media, size: 'aspect_ratio', imageField: 'image_url', seed: true, numImages: true, price: {} },
  concurrency: 2,
  env: ['STABILITY_'],
  endpointVars: [STABILITY_VARS.baseUrlVar],
  keyVars: [STABILITY_VARS.key],
  missingKey: (env) => (keyedSettings(env, STABILITY_VARS).apiKey ? undefined : missingKeyMessage(STABILITY_VARS)),
  load: async (env) => (await import('./provider.js')).createStabilityProvider({ env }),
};
