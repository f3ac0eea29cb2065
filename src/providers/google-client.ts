// The @google/genai client from the build's environment (process.env over `.env`), which the
// SDK cannot see by itself: it only reads process.env.
import { GoogleGenAI, type GoogleGenAIOptions } from '@google/genai';
import type { Env } from '../env.js';

export interface GoogleClient {
  ai: GoogleGenAI;
  vertex: boolean;
  /** Values that must never reach a message. */
  secrets: string[];
}

interface GoogleSettings {
  vertex: boolean;
  apiKey?: string;
  project?: string;
  location?: string;
  baseUrl?: string;
}

function settings(env: Env): GoogleSettings {
  const get = (name: string) => env[name]?.trim() || undefined;
  const vertex = get('GOOGLE_GENAI_USE_VERTEXAI')?.toLowerCase() === 'true';
  return {
    vertex,
    apiKey: get('GOOGLE_API_KEY') ?? get('GEMINI_API_KEY'),
    project: get('GOOGLE_CLOUD_PROJECT') ?? get('GCP_PROJECT_ID'),
    location: get('GOOGLE_CLOUD_LOCATION'),
    baseUrl: vertex ? get('GOOGLE_VERTEX_BASE_URL') : get('GOOGLE_GEMINI_BASE_URL'),
  };
}

/** Whether a Google call could authenticate: an API key, or Vertex AI with a project. */
export function googleCredentialsPresent(env: Env): boolean {
  const s = settings(env);
  return s.vertex ? Boolean(s.project) : Boolean(s.apiKey);
}

export function createGoogleClient(env: Env): GoogleClient {
  const s = settings(env);
  const options: GoogleGenAIOptions = { vertexai: s.vertex };
  if (s.vertex) {
    // Vertex AI authenticates through Application Default Credentials for the project.
    options.project = s.project;
    options.location = s.location ?? 'us-central1';
  } else {
    options.apiKey = s.apiKey;
  }
  if (s.baseUrl) options.httpOptions = { baseUrl: s.baseUrl };
  return { ai: new GoogleGenAI(options), vertex: s.vertex, secrets: s.apiKey ? [s.apiKey] : [] };
}
