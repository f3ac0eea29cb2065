// The environment a build sees: process.env over the project's `.env` (which never overrides it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

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
