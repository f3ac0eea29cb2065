// Providers reached with one API key and a base URL (OpenAI, ImageRouter, Stability): the
// variables are each provider's own (its descriptor names them); reading them is one rule.
import type { Env } from '../base/env.js';
import { ProviderError } from './types.js';

/** Which variables hold a keyed provider's key and base URL, and who it is in messages. */
export interface KeyedVars {
  key: string;
  baseUrlVar: string;
  baseUrl: string;
  /** `OpenAI models`: the subject of the missing-key sentence. */
  label: string;
}

export interface KeyedSettings {
  apiKey?: string;
  baseUrl: string;
}

export function keyedSettings(env: Env, vars: KeyedVars): KeyedSettings {
  return { apiKey: env[vars.key]?.trim() || undefined, baseUrl: env[vars.baseUrlVar]?.trim() || vars.baseUrl };
}

/** The missing-key sentence `plan`, `build` and the provider itself say. */
export function missingKeyMessage(vars: KeyedVars): string {
  return `${vars.label} need ${vars.key}: set it in the environment or in a .env file in the project folder`;
}

/** The key, or a clear, non-retryable error naming its variable. */
export function requireKey(env: Env, vars: KeyedVars): KeyedSettings & { apiKey: string } {
  const s = keyedSettings(env, vars);
  if (!s.apiKey) throw new ProviderError(missingKeyMessage(vars), { retryable: false });
  return { ...s, apiKey: s.apiKey };
}
