// The provider set of one build: created lazily, so a draft build never loads an SDK or needs a key.
import type { Env } from '../env.js';
import { createDraftProvider } from './draft.js';
import { createFalProvider, falKeyPresent } from './fal.js';
import { createGoogleProvider, googleCredentialsPresent } from './google.js';
import type { Provider, ProviderId } from './types.js';

export function createProviders(env: Env, root: string): (id: ProviderId) => Provider {
  const made = new Map<ProviderId, Provider>();
  return (id) => {
    let p = made.get(id);
    if (!p) {
      p = id === 'fal' ? createFalProvider({ env, root }) : id === 'google' ? createGoogleProvider({ env }) : createDraftProvider();
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
  return missing;
}
