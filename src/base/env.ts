// The environment a command sees: process.env over the project's `.env` (which never overrides it).
// A `.env` may come with the files (committed to the repository, or in a downloaded folder), so the
// variables that choose where requests go or what runs are taken from it only when it is the
// user's own: one git does not track.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { UsageError } from './errors.js';

export type Env = Record<string, string | undefined>;

/** A settings file, not a data file: a `.env` above this is refused rather than read into memory. */
const MAX_ENV_BYTES = 1024 * 1024;

/** `git ls-files` answers in milliseconds; past this, git is stuck (a hung file system) and the answer is "cannot tell". */
const GIT_TIMEOUT_MS = 5000;

export interface LoadEnvOptions {
  /** The user's shell environment; default process.env. */
  base?: Env;
  /**
   * Variables (whole names, or prefixes ending in `_`) that choose an endpoint, proxy, bucket,
   * credential source or program: from `base`, or from a `.env` git does not track; set by any
   * other `.env`, they are refused.
   */
  userOnly?: readonly string[];
}

export function loadEnv(root: string, opts: LoadEnvOptions = {}): Env {
  const base = opts.base ?? process.env;
  const file = readEnvFile(join(root, '.env'));
  // A value the shell also sets is never used; an empty one chooses nothing.
  const chosen = Object.keys(file).filter((k) => base[k] === undefined && file[k].trim() !== '' && named(k, opts.userOnly ?? [])).sort();
  if (chosen.length > 0) {
    const origin = envOrigin(root);
    if (origin !== 'untracked') throw new UsageError(refusal(join(root, '.env'), chosen, origin));
  }
  return { ...file, ...base };
}

function named(name: string, vars: readonly string[]): boolean {
  return vars.some((v) => (v.endsWith('_') ? name.startsWith(v) : name === v));
}

function refusal(path: string, names: string[], origin: 'tracked' | 'outside'): string {
  const why = origin === 'tracked'
    ? 'git tracks that file, so it came with the repository'
    : 'git finds no work tree holding that file, so aivp cannot tell it from one that came with the folder';
  const [verb, them] = names.length === 1 ? ['chooses', names[0]] : ['choose', 'them'];
  return `${path} sets ${names.join(', ')}, which ${verb} where requests and keys go or what runs, and ${why}: `
    + `set ${them} in your shell instead (export ${names[0]}=...)`;
}

/**
 * Whether git tracks `root/.env`: 'outside' when `root` is in no git work tree, or git cannot say
 * (not installed, an unsafe repository, timed out). Local and quick: `ls-files` reads the index.
 */
function envOrigin(root: string): 'tracked' | 'untracked' | 'outside' {
  const r = spawnSync('git', ['-c', 'core.fsmonitor=false', 'ls-files', '-z', '--', '.env'], {
    cwd: root, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
  });
  if (r.error || r.status !== 0) return 'outside';
  return r.stdout === '' ? 'untracked' : 'tracked';
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
