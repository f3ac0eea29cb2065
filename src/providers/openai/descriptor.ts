// OpenAI and ImageRouter in the registry: one image API, two hosts, each with its own key.
import { genericVideoRow, type ProviderDescriptor } from '../descriptor.js';
import { keyedSettings, missingKeyMessage } from '../keyed.js';
import type { ModelInfo } from '../types.js';
import { IMAGEROUTER_MODELS, OPENAI_MODELS } from './models.js';
import { OPENAI_VARS } from './vars.js';

function imageApi(id: 'openai' | 'imagerouter', about: string, models: ModelInfo[], shape?: RegExp, shapeHint?: string): ProviderDescriptor {
  const vars = OPENAI_VARS[id];
  return {
    id, shape, shapeHint, named: true, about, models,
    genericRow: (model, media) =>
      media === 'video'
        ? genericVideoRow(model, id)
        : { id: model, provider: id, task: 'edit', media, size: 'pixels', imageListField: 'image', maxRefs: 16, numImages: true, price: {} },
    concurrency: 2,
    env: [id === 'openai' ? 'OPENAI_' : 'IMAGEROUTER_'],
    endpointVars: [vars.baseUrlVar],
    keyVars: [vars.key],
    missingKey: (env) => (keyedSettings(env, vars).apiKey ? undefined : missingKeyMessage(vars)),
    load: async (env) => (await import('./provider.js')).createOpenAIProvider({ env, provider: id }),
  };
}

export const OPENAI = imageApi(
  'openai', 'OpenAI image models (`gpt-image-1`, `dall-e-3`, or `openai:<model>`). Key: OPENAI_API_KEY.',
  OPENAI_MODELS, /^(gpt-image-|dall-e-)/, 'OpenAI ids start with `gpt-image-` or `dall-e-`');
// ImageRouter's ids look like fal's (`vendor/model`): only the `imagerouter:` prefix routes to it.
export const IMAGEROUTER = imageApi('imagerouter', 'ImageRouter (`imagerouter:<model>`, e.g. `imagerouter:openai/gpt-image-1`). Key: IMAGEROUTER_API_KEY.', IMAGEROUTER_MODELS);
