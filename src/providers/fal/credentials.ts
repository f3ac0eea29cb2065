// fal's credentials as the environment gives them, read without loading the SDK: the CLI checks
// them before anything is spent.
import type { Env } from '../../base/env.js';
import { ProviderError } from '../types.js';

export function falCredentials(env: Env): string | undefined {
  if (env.FAL_KEY) return env.FAL_KEY;
  if (env.FAL_KEY_ID && env.FAL_KEY_SECRET) return `${env.FAL_KEY_ID}:${env.FAL_KEY_SECRET}`;
  return undefined;
}

/**
 * Whether fal calls can be authenticated: a key is set, or AIVP_FAL_PROXY_URL points at a proxy
 * (fal proxies add the key server-side).
 */
export function falKeyPresent(env: Env): boolean {
  return falCredentials(env) !== undefined || Boolean(env.AIVP_FAL_PROXY_URL);
}

/** The missing-key sentence `plan`, `build`, the one-off commands and the provider itself say. */
export const MISSING_KEY_MESSAGE = 'fal.ai models need FAL_KEY: set it in the environment or in a .env file in the project folder';

/** The check every fal call makes first: a clear, non-retryable error naming the key. */
export function requireFalKey(env: Env): void {
  if (!falKeyPresent(env)) throw new ProviderError(MISSING_KEY_MESSAGE, { retryable: false });
}
