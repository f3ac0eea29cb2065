// Stat cache, `.aivp/stat-cache.json`: a file whose size, mtime, ctime and inode are unchanged is
// not read again (git's index trick), so a no-op build hashes zero bytes.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile } from '../../media/hash.js';
import { writeFileAtomic } from '../../base/atomic.js';
import { formatStamp, FsClock, isRacy, parseStamp, sameStamp, stampOf, type FileStamp } from '../../base/file-stamp.js';
import { LAYOUT } from '../../base/layout.js';
import { readState, StateFileError } from '../../base/read.js';

export interface StatCacheStats {
  /** Bytes read and hashed (cache misses only). */
  hashedBytes: number;
  hits: number;
  misses: number;
}

export interface StatCache {
  /**
   * sha256 hex of a file relative to the project root; rejects (ENOENT, ENOTREG for anything but a
   * regular file, a link included unless `followLinks`, ...) when unreadable.
   */
  hash(relPath: string, opts?: { followLinks?: boolean }): Promise<string>;
  /** Writes the cache atomically; a no-op when nothing changed. */
  save(): Promise<void>;
  readonly stats: StatCacheStats;
}

interface Entry {
  stamp: FileStamp;
  sha256: string;
}

/** On disk: path -> [stamp in its text form, sha256]. Format 1 (a field per stat) is read as empty. */
interface CacheFile {
  aivp: 2;
  entries: Record<string, [string, string]>;
}


export async function openStatCache(root: string): Promise<StatCache> {
  const file = join(root, LAYOUT.statCache);
  const entries = await load(file);
  const pending = new Map<string, Promise<string>>();
  const stats: StatCacheStats = { hashedBytes: 0, hits: 0, misses: 0 };
  const seen = new Set<string>();
  const clock = new FsClock(root);
  let dirty = false;

  const compute = async (rel: string, followLinks: boolean): Promise<string> => {
    seen.add(rel);
    const abs = join(root, rel);
    let st;
    try {
      // Synchronous: a no-op build stats every input and output, and fs.promises costs ~10x per call.
      // lstat first: one call says whether it is a link, which only a source may be.
      st = lstatSync(abs, { bigint: true });
      if (st.isSymbolicLink()) {
        if (!followLinks) throw new StateFileError('ENOTREG', rel);
        st = statSync(abs, { bigint: true });
      }
      // A FIFO or a device would hang or never end the hash: only regular files have one.
      if (!st.isFile()) throw new StateFileError('ENOTREG', rel);
    } catch (err) {
      if (entries.delete(rel)) dirty = true;
      throw err;
    }
    const now = stampOf(st);
    const cached = entries.get(rel);
    if (cached && sameStamp(cached.stamp, now)) {
      stats.hits++;
      return cached.sha256;
    }
    stats.misses++;
    // Read before the hash: a file changed at or after it may change again with the same stamp.
    const clockNs = await clock.before(now);
    const { sha256, bytes } = await hashFile(abs);
    stats.hashedBytes += bytes;
    const stable = sameStamp(stampOf(await stat(abs, { bigint: true })), now);
    if (isRacy(now, clockNs) || !stable || bytes !== Number(st.size)) {
      if (entries.delete(rel)) dirty = true;
    } else {
      entries.set(rel, { stamp: now, sha256 });
      dirty = true;
    }
    return sha256;
  };

  return {
    stats,
    hash(rel: string, opts: { followLinks?: boolean } = {}): Promise<string> {
      let p = pending.get(rel);
      if (!p) {
        p = compute(rel, opts.followLinks === true).finally(() => pending.delete(rel));
        pending.set(rel, p);
      }
      return p;
    },
    async save(): Promise<void> {
      if (!dirty) return;
      dirty = false;
      // Entries of files that are gone would otherwise stay forever.
      for (const rel of entries.keys()) if (!seen.has(rel) && !existsSync(join(root, rel))) entries.delete(rel);
      const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const data: CacheFile = { aivp: 2, entries: Object.fromEntries(sorted.map(([rel, e]) => [rel, [formatStamp(e.stamp), e.sha256]])) };
      try {
        await writeFileAtomic(file, JSON.stringify(data), { inside: root });
      } catch (err) {
        dirty = true;
        throw err;
      }
    },
  };
}

/** A missing or corrupt cache file starts an empty cache: it only ever saves work. */
async function load(file: string): Promise<Map<string, Entry>> {
  try {
    const parsed = JSON.parse(await readState(file, 'statCache')) as CacheFile;
    if (parsed?.aivp !== 2 || typeof parsed.entries !== 'object' || parsed.entries === null) return new Map();
    return new Map(Object.entries(parsed.entries).flatMap(([rel, e]) => {
      const entry = toEntry(e);
      return entry ? [[rel, entry]] : [];
    }));
  } catch {
    return new Map();
  }
}

/** An entry as written, checked: anything else is dropped (the file is input like any). */
function toEntry(e: unknown): Entry | undefined {
  if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || typeof e[1] !== 'string' || !/^[0-9a-f]{64}$/.test(e[1])) return undefined;
  const stamp = parseStamp(e[0]);
  return stamp && { stamp, sha256: e[1] };
}
