// The environment a build sees: process.env over the project's `.env` (which never overrides it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { UsageError } from './errors.js';

export type Env = Record<string, string | undefined>;

export function loadEnv(root: string, base: Env = process.env): Env {
  let file: Record<string, string> = {};
  try {
    file = parseEnv(readFileSync(join(root, '.env'), 'utf8')) as Record<string, string>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { ...file, ...base };
}

/** AIVP_RETRY_BASE_MS, the base of the backoff between retries: a number of milliseconds, or unset. */
export function retryBaseMs(env: Env): number | undefined {
  const raw = env.AIVP_RETRY_BASE_MS?.trim();
  if (!raw) return undefined;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new UsageError(`AIVP_RETRY_BASE_MS must be a number of milliseconds (like 1000), not \`${raw}\``);
  }
  return ms;
}
