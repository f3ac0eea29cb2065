// One fal SDK client per provider instance, configured from the environment (never from process
// globals), with the SDK's own retries disabled in favour of the engine's.
import { createFalClient, type FalClient } from '@fal-ai/client';
import type { Env } from '../../base/env.js';
import { falCredentials } from './credentials.js';
import { transientAwareFetch } from './errors.js';

export interface FalSetup {
  fal: FalClient;
  /** Strings that must never appear in a message (the key and its parts). */
  secrets: string[];
  /** fetch with the same transient-error mapping, for downloading outputs. */
  fetch: typeof fetch;
}

/** FAL_KEY, or FAL_KEY_ID:FAL_KEY_SECRET. */
export function createFalSetup(env: Env): FalSetup {
  const credentials = falCredentials(env);
  const wrapped = transientAwareFetch(globalThis.fetch);
  const proxy = env.AIVP_FAL_PROXY_URL;
  const fal = createFalClient({
    credentials: () => credentials,
    fetch: wrapped,
    ...(proxy ? { proxyUrl: { url: proxy, when: 'always' as const } } : {}),
  });
  const secrets = [credentials, env.FAL_KEY, env.FAL_KEY_ID, env.FAL_KEY_SECRET].filter((s): s is string => Boolean(s));
  return { fal, secrets, fetch: wrapped };
}
