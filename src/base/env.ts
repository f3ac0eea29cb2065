// The environment a command sees: process.env over the project's `.env` (which never overrides it).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { UsageError } from './errors.js';

export type Env = Record<string, string | undefined>;

/** A settings file, not a data file: a `.env` above this is refused rather than read into memory. */
const MAX_ENV_BYTES = 1024 * 1024;

export interface LoadEnvOptions {
  /** The user's shell environment; default process.env. */
  base?: Env;
}

export function loadEnv(root: string, opts: LoadEnvOptions = {}): Env {
  const base = opts.base ?? process.env;
  const file = readEnvFile(join(root, '.env'));
  return { ...file, ...base };
}

/**
 * `.env`'s settings, or none when there is no file. Read as a regular file, never through a link,
 * and within MAX_ENV_BYTES: a FIFO, a device or a link to one is refused, not waited on.
 */
function readEnvFile(path: string): Record<string, string> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    if (code === 'ELOOP') throw new UsageError(`${path} is a symbolic link: aivp reads .env only as a regular file (copy the settings into it)`);
    throw err;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`${path} is not a regular file: aivp reads .env only as one`);
    // Up to one byte past the bound, whatever the stat said: a file that grew is still caught.
    const buf = Buffer.allocUnsafe(MAX_ENV_BYTES + 1);
    let n = 0;
    let got: number;
    do {
      got = readSync(fd, buf, n, buf.length - n, null);
      n += got;
    } while (got > 0 && n < buf.length);
    if (n > MAX_ENV_BYTES) throw new UsageError(`${path} is larger than ${MAX_ENV_BYTES / 1024 / 1024} MB: not a settings file`);
    return parseEnv(buf.toString('utf8', 0, n)) as Record<string, string>;
  } finally {
    closeSync(fd);
  }
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
