// The `openai` client for OpenAI itself or ImageRouter (the same image API), from the build's
// environment (process.env over `.env`), which the SDK cannot see by itself.
import OpenAI from 'openai';
import type { Env } from '../../base/env.js';
import { requireKey } from '../keyed.js';
import { OPENAI_VARS } from './vars.js';

export type OpenAIFlavour = 'openai' | 'imagerouter';

export interface OpenAIClient {
  client: OpenAI;
  /** Names the service in messages: "OpenAI" or "ImageRouter". */
  label: string;
  /** Values that must never reach a message. */
  secrets: string[];
}

export function createOpenAIClient(env: Env, provider: OpenAIFlavour): OpenAIClient {
  const { apiKey, baseUrl } = requireKey(env, OPENAI_VARS[provider]);
  const client = new OpenAI({
    apiKey,
    baseURL: baseUrl,
    // aivp's retry policy (src/engine/retry.ts) retries, with the node's own count and backoff.
    maxRetries: 0,
    // The SDK would read these from process.env only; they are OpenAI's and never go to ImageRouter.
    organization: provider === 'openai' ? env.OPENAI_ORG_ID?.trim() || null : null,
    project: provider === 'openai' ? env.OPENAI_PROJECT_ID?.trim() || null : null,
  });
  return { client, label: provider === 'openai' ? 'OpenAI' : 'ImageRouter', secrets: [apiKey] };
}
