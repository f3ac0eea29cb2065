// The provider set of one build. Each provider's module (and SDK) loads on its first request, so
// a draft or no-op build never pays for @fal-ai/client, @google/genai or openai, and needs no key.
import type { Env } from '../base/env.js';
import { falKeyPresent, googleCredentialsPresent, KEYED_PROVIDERS, keyedSettings, missingKeyMessage } from './credentials.js';
import type { Provider, ProviderId } from './types.js';

async function load(id: ProviderId, env: Env, root: string): Promise<Provider> {
  if (id === 'fal') return (await import('./fal/provider.js')).createFalProvider({ env, root });
  if (id === 'google') return (await import('./google/provider.js')).createGoogleProvider({ env });
  if (id === 'openai' || id === 'imagerouter') return (await import('./openai/provider.js')).createOpenAIProvider({ env, provider: id });
  if (id === 'stability') return (await import('./stability/provider.js')).createStabilityProvider({ env });
  if (id === 'film') return (await import('./film/provider.js')).createFilmProvider({ env });
  return (await import('./draft/provider.js')).createDraftProvider({ env });
}

export function createProviders(env: Env, root: string): (id: ProviderId) => Provider {
  const made = new Map<ProviderId, Provider>();
  return (id) => {
    let p = made.get(id);
    if (!p) {
      let real: Promise<Provider> | undefined;
      const get = () => (real ??= load(id, env, root));
      p = {
        id,
        generate: async (req, ctx) => (await get()).generate(req, ctx),
        cancel: async (model, requestId) => (await get()).cancel?.(model, requestId),
      };
      made.set(id, p);
    }
    return p;
  };
}

/** One line per provider the build needs but has no credentials for. */
export function missingCredentials(env: Env, needed: Set<string>): string[] {
  const missing: string[] = [];
  if (needed.has('fal') && !falKeyPresent(env)) {
    missing.push('fal.ai models need FAL_KEY: set it in the environment or in a .env file in the project folder');
  }
  if (needed.has('google') && !googleCredentialsPresent(env)) {
    missing.push(
      'Google models need GEMINI_API_KEY or GOOGLE_API_KEY (or GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION): set them in the environment or in a .env file',
    );
  }
  for (const id of KEYED_PROVIDERS) {
    if (needed.has(id) && !keyedSettings(env, id).apiKey) missing.push(missingKeyMessage(id));
  }
  return missing;
}
