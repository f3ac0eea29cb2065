// Stat cache, `.aivp/stat-cache.json`: a file whose size, mtime, ctime and inode are unchanged is
// not read again (git's index trick), so a no-op build hashes zero bytes.
import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile } from '../../media/hash.js';
import { writeFileAtomic } from '../../base/atomic.js';
import { LAYOUT } from '../../base/layout.js';

export interface StatCacheStats {
  /** Bytes read and hashed (cache misses only). */
  hashedBytes: number;
  hits: number;
  misses: number;
}

export interface StatCache {
  /** sha256 hex of a file relative to the project root; rejects (ENOENT, ...) when unreadable. */
  hash(relPath: string): Promise<string>;
  /** Writes the cache atomically; a no-op when nothing changed. */
  save(): Promise<void>;
  readonly stats: StatCacheStats;
}

interface Entry {
  size: number;
  /** Nanosecond times and inode as decimal strings: they do not fit a JSON number. */
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  sha256: string;
}

interface CacheFile {
  aivp: 1;
  entries: Record<string, Entry>;
}


/**
 * How close to the hashing moment a change time must be for the entry to be distrusted. Linux
 * stamps files from a coarse clock (up to a few ms behind), exFAT ticks in 10 ms; timestamps with
 * no sub-second part come from 1 s or 2 s file systems (ext3, HFS+, FAT).
 */
export function racyWindowNs(mtimeNs: bigint, ctimeNs: bigint): bigint {
  const wholeSeconds = mtimeNs % 1_000_000_000n === 0n && ctimeNs % 1_000_000_000n === 0n;
  return wholeSeconds ? 2_000_000_000n : 50_000_000n;
}

export async function openStatCache(root: string): Promise<StatCache> {
  const file = join(root, LAYOUT.statCache);
  const entries = await load(file);
  const pending = new Map<string, Promise<string>>();
  const stats: StatCacheStats = { hashedBytes: 0, hits: 0, misses: 0 };
  const seen = new Set<string>();
  let dirty = false;

  const compute = async (rel: string): Promise<string> => {
    seen.add(rel);
    const abs = join(root, rel);
    const hashedAtNs = BigInt(Date.now()) * 1_000_000n;
    let st;
    try {
      // Synchronous: a no-op build stats every input and output, and fs.promises costs ~10x per call.
      st = statSync(abs, { bigint: true });
    } catch (err) {
      if (entries.delete(rel)) dirty = true;
      throw err;
    }
    const cached = entries.get(rel);
    if (
      cached &&
      cached.size === Number(st.size) &&
      cached.mtimeNs === String(st.mtimeNs) &&
      cached.ctimeNs === String(st.ctimeNs) &&
      cached.ino === String(st.ino)
    ) {
      stats.hits++;
      return cached.sha256;
    }
    stats.misses++;
    const { sha256, bytes } = await hashFile(abs);
    stats.hashedBytes += bytes;
    // Racy-git rule: a file changed within the timestamp tick of the hashing moment could change
    // again with identical stat data, so such an entry is not kept and the file is hashed next time.
    const changedNs = st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs;
    const racy = changedNs >= hashedAtNs - racyWindowNs(st.mtimeNs, st.ctimeNs);
    const after = await stat(abs, { bigint: true });
    const stable = after.size === st.size && after.mtimeNs === st.mtimeNs && after.ctimeNs === st.ctimeNs && after.ino === st.ino;
    if (racy || !stable || bytes !== Number(st.size)) {
      if (entries.delete(rel)) dirty = true;
    } else {
      entries.set(rel, { size: bytes, mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), ino: String(st.ino), sha256 });
      dirty = true;
    }
    return sha256;
  };

  return {
    stats,
    hash(rel: string): Promise<string> {
      let p = pending.get(rel);
      if (!p) {
        p = compute(rel).finally(() => pending.delete(rel));
        pending.set(rel, p);
      }
      return p;
    },
    async save(): Promise<void> {
      if (!dirty) return;
      dirty = false;
      // Entries of files that are gone would otherwise stay forever.
      for (const rel of entries.keys()) if (!seen.has(rel) && !existsSync(join(root, rel))) entries.delete(rel);
      const data: CacheFile = { aivp: 1, entries: Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
      try {
        await writeFileAtomic(file, JSON.stringify(data));
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
    const parsed = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
    if (parsed?.aivp !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null) return new Map();
    return new Map(Object.entries(parsed.entries).filter(([, e]) => isEntry(e)));
  } catch {
    return new Map();
  }
}

function isEntry(e: unknown): e is Entry {
  const x = e as Entry;
  return (
    typeof x === 'object' && x !== null && typeof x.size === 'number' && typeof x.mtimeNs === 'string' &&
    typeof x.ctimeNs === 'string' && typeof x.ino === 'string' && typeof x.sha256 === 'string' && /^[0-9a-f]{64}$/.test(x.sha256)
  );
}
