// The @google/genai client from the build's environment (process.env over `.env`), which the
// SDK cannot see by itself: it only reads process.env.
import { GoogleGenAI, type GoogleGenAIOptions } from '@google/genai';
import type { Env } from '../env.js';
import { googleSettings } from './credentials.js';

export interface GoogleClient {
  ai: GoogleGenAI;
  vertex: boolean;
  /** Values that must never reach a message. */
  secrets: string[];
}

export function createGoogleClient(env: Env): GoogleClient {
  const s = googleSettings(env);
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
