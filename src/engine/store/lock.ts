// Project build lock, `.aivp/lock`: one `aivp build` per project at a time. The lock names its
// holder's pid and host, so a lock left by a killed build is taken over at once (no staleness
// timeout to wait out) while a live holder gets a clear error.
import { randomBytes } from 'node:crypto';
import { link, rename, rm } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../base/errors.js';
import { makeFolder } from '../../base/inside.js';
import { isAlive, tempPathFor, writeFileAtomic } from '../../base/atomic.js';
import { LAYOUT, STATE_DIR } from '../../base/layout.js';
import { readState } from '../../base/read.js';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
}

export type ReleaseLock = () => Promise<void>;

export class LockHeldError extends UsageError {
  readonly holder: LockHolder;
  constructor(lockFile: string, holder: LockHolder) {
    super(
      `another aivp build is running on this project (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); ` +
        `wait for it to finish, or delete ${lockFile} if no build is running`,
    );
    this.name = 'LockHeldError';
    this.holder = holder;
  }
}


/** Tokens of the locks this process holds: a lock naming our pid with another token is a leftover. */
const held = new Set<string>();

export async function acquireBuildLock(root: string): Promise<ReleaseLock> {
  const file = join(root, LAYOUT.lock);
  // Every command that writes takes the lock first: a `.aivp` leading out stops it here, before anything is written.
  await makeFolder(root, STATE_DIR);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: randomBytes(12).toString('hex') };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await tryCreate(root, file, me)) {
      held.add(me.token);
      return () => release(file, me.token);
    }
    const holder = await readHolder(file);
    if (holder === 'gone') continue;
    if (holder && !isStale(holder)) throw new LockHeldError(file, holder);
    await takeOver(file, holder?.token);
  }
  const holder = await readHolder(file);
  throw new LockHeldError(file, holder && holder !== 'gone' ? holder : { pid: 0, host: 'unknown', startedAt: 'unknown', token: '' });
}

/** link() of a complete temp file creates the lock exclusively and never leaves it half-written. */
async function tryCreate(root: string, file: string, me: LockHolder): Promise<boolean> {
  const tmp = tempPathFor(file);
  await writeFileAtomic(tmp, `${JSON.stringify(me)}\n`, { inside: root });
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * A holder on this host that is gone: its pid is dead, is ours under another token (pids repeat
 * across container runs), or it started before the last boot. Other hosts cannot be checked.
 */
function isStale(h: LockHolder): boolean {
  if (h.host !== hostname()) return false;
  if (h.pid === process.pid) return !held.has(h.token);
  const bootMs = Date.now() - uptime() * 1000;
  return !isAlive(h.pid) || Date.parse(h.startedAt) < bootMs;
}

/**
 * Moves the stale lock aside (atomic, so of two processes taking over only one gets it) and checks
 * that what moved is the lock judged stale; a fresh lock taken meanwhile is put back.
 */
async function takeOver(file: string, staleToken: string | undefined): Promise<void> {
  const aside = `${file}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = parseHolder(await readState(aside, 'lock').catch(() => ''));
  if (moved && moved.token !== staleToken && !isStale(moved)) {
    await link(aside, file).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

async function release(file: string, token: string): Promise<void> {
  const holder = await readHolder(file);
  held.delete(token);
  if (holder && holder !== 'gone' && holder.token === token) await rm(file, { force: true });
}

/** 'gone' when there is no lock file; undefined when it is unreadable (treated as stale). */
async function readHolder(file: string): Promise<LockHolder | 'gone' | undefined> {
  try {
    return parseHolder(await readState(file, 'lock'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return undefined;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}
