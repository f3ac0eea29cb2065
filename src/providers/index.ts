// The provider set of one build. Each provider's module (and SDK) loads on its first request, so
// a draft or no-op build never pays for @fal-ai/client, @google/genai or openai, and needs no key.
import type { Env } from '../base/env.js';
import { descriptor, PROVIDERS } from './registry.js';
import type { Provider, ProviderId } from './types.js';

export function createProviders(env: Env, root: string | undefined): (id: ProviderId) => Provider {
  const made = new Map<ProviderId, Provider>();
  return (id) => {
    let p = made.get(id);
    if (!p) {
      let real: Promise<Provider> | undefined;
      const get = () => (real ??= descriptor(id).load(env, root));
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
export function missingCredentials(env: Env, needed: Set<ProviderId>): string[] {
  return PROVIDERS.filter((p) => needed.has(p.id)).flatMap((p) => p.missingKey(env) ?? []);
}
