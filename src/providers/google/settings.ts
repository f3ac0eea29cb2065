// Google's settings from the environment (API key or Vertex AI, base URLs, the storage emulator),
// read without loading the SDK: the CLI checks them before anything is spent.
import type { Env } from '../../base/env.js';

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
