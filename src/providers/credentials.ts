// Which providers the environment can authenticate, without loading any SDK: the CLI checks
// this before anything is spent.
import type { Env } from '../base/env.js';
import { ProviderError } from './types.js';

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

export const MISSING_KEY_MESSAGE =
  'FAL_KEY is not set: export FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET) or put it in the project .env file';

/** The check every fal call makes first: a clear, non-retryable error naming the key. */
export function requireFalKey(env: Env): void {
  if (!falKeyPresent(env)) throw new ProviderError(MISSING_KEY_MESSAGE, { retryable: false });
}

export interface GoogleSettings {
  vertex: boolean;
  apiKey?: string;
  project?: string;
  location?: string;
  baseUrl?: string;
  /**
   * Vertex: GOOGLE_APPLICATION_CREDENTIALS from the build's environment. google-auth-library reads
   * only process.env, so a path set in `.env` reaches it only through this.
   */
  credentialsFile?: string;
  /** Vertex: where `gs://` results are read, STORAGE_EMULATOR_HOST as Google's storage clients take it. */
  storageUrl: string;
}

export function googleSettings(env: Env): GoogleSettings {
  const get = (name: string) => env[name]?.trim() || undefined;
  const vertex = get('GOOGLE_GENAI_USE_VERTEXAI')?.toLowerCase() === 'true';
  return {
    vertex,
    apiKey: get('GOOGLE_API_KEY') ?? get('GEMINI_API_KEY'),
    project: get('GOOGLE_CLOUD_PROJECT') ?? get('GCP_PROJECT_ID'),
    location: get('GOOGLE_CLOUD_LOCATION'),
    baseUrl: vertex ? get('GOOGLE_VERTEX_BASE_URL') : get('GOOGLE_GEMINI_BASE_URL'),
    credentialsFile: get('GOOGLE_APPLICATION_CREDENTIALS'),
    storageUrl: storageUrl(get('STORAGE_EMULATOR_HOST')),
  };
}

/** As @google-cloud/storage reads STORAGE_EMULATOR_HOST: https:// unless a scheme is given, no trailing slash. */
function storageUrl(host: string | undefined): string {
  if (!host) return 'https://storage.googleapis.com';
  return (/^\w+:\/\//.test(host) ? host : `https://${host}`).replace(/\/+$/, '');
}

/** Whether a Google call could authenticate: an API key, or Vertex AI with a project. */
export function googleCredentialsPresent(env: Env): boolean {
  const s = googleSettings(env);
  return s.vertex ? Boolean(s.project) : Boolean(s.apiKey);
}

/** Key and base URL of a provider speaking OpenAI's image API (OpenAI itself, ImageRouter) or Stability's. */
export interface KeyedSettings {
  apiKey?: string;
  baseUrl: string;
}

type KeyedProvider = 'openai' | 'imagerouter' | 'stability';

const KEYED: Record<KeyedProvider, { key: string; baseUrlVar: string; baseUrl: string; label: string }> = {
  openai: { key: 'OPENAI_API_KEY', baseUrlVar: 'OPENAI_BASE_URL', baseUrl: 'https://api.openai.com/v1', label: 'OpenAI models' },
  imagerouter: { key: 'IMAGEROUTER_API_KEY', baseUrlVar: 'IMAGEROUTER_BASE_URL', baseUrl: 'https://api.imagerouter.io/v1/openai', label: 'ImageRouter models' },
  stability: { key: 'STABILITY_API_KEY', baseUrlVar: 'STABILITY_BASE_URL', baseUrl: 'https://api.stability.ai', label: 'Stability models' },
};

export function keyedSettings(env: Env, provider: KeyedProvider): KeyedSettings {
  const k = KEYED[provider];
  return { apiKey: env[k.key]?.trim() || undefined, baseUrl: env[k.baseUrlVar]?.trim() || k.baseUrl };
}

/** The variable holding a keyed provider's key, for messages. */
export function keyVariable(provider: KeyedProvider): string {
  return KEYED[provider].key;
}

/** The missing-key message for a keyed provider: the one sentence `plan`, `build` and the provider itself say. */
export function missingKeyMessage(provider: KeyedProvider): string {
  const k = KEYED[provider];
  return `${k.label} need ${k.key}: set it in the environment or in a .env file in the project folder`;
}

/** The key of a keyed provider, or a clear, non-retryable error naming it. */
export function requireKey(env: Env, provider: KeyedProvider): KeyedSettings & { apiKey: string } {
  const s = keyedSettings(env, provider);
  if (!s.apiKey) throw new ProviderError(missingKeyMessage(provider), { retryable: false });
  return { ...s, apiKey: s.apiKey };
}

export const KEYED_PROVIDERS = Object.keys(KEYED) as KeyedProvider[];
