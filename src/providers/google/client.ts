// The @google/genai client from the build's environment (process.env over `.env`), which the
// SDK cannot see by itself: it only reads process.env.
import { GoogleGenAI, type GoogleGenAIOptions } from '@google/genai';
import type { Env } from '../../base/env.js';
import { googleSettings } from './settings.js';
import { vertexAuth, type VertexAuth } from './auth.js';
import type { GcsAccess } from './storage.js';

export interface GoogleClient {
  ai: GoogleGenAI;
  /** Vertex: Cloud Storage reads with the credentials the SDK authenticates with. */
  storage?: GcsAccess;
  /** Values that must never reach a message (the key, the access token in use). */
  secrets(): string[];
}

export async function createGoogleClient(env: Env): Promise<GoogleClient> {
  const s = googleSettings(env);
  const options: GoogleGenAIOptions = { vertexai: s.vertex };
  let auth: VertexAuth | undefined;
  if (s.vertex) {
    // Vertex AI authenticates through Application Default Credentials for the project.
    auth = await vertexAuth(s.credentialsFile);
    options.project = s.project;
    options.location = s.location ?? 'us-central1';
    options.googleAuthOptions = { authClient: auth.client };
  } else {
    options.apiKey = s.apiKey;
  }
  if (s.baseUrl) options.httpOptions = { baseUrl: s.baseUrl };
  const key = s.apiKey ? [s.apiKey] : [];
  const secrets = () => [...key, ...(auth?.secrets() ?? [])];
  return {
    ai: new GoogleGenAI(options),
    storage: auth && { baseUrl: s.storageUrl, token: auth.token, secrets },
    secrets,
  };
}
