// Content cache, `.aivp/cache/`: every output stored by sha256 (`blobs/ab/abcd...`) plus the record
// that produced it by node key (`keys/<key>.json`), so reverting a prompt restores at zero cost.
// Blobs are private copies: never a hard link to a workspace file the user could edit in place.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NodeRecord } from '../record-types.js';
import { commitTemp, copyFileAtomic, removeStaleTemps, tempPathFor, writeFileAtomic } from '../../base/atomic.js';
import { KEY_RE, parseRecord, serializeRecord, SHA256_RE } from './records.js';
import { checkFolder, makeFolder } from '../../base/inside.js';
import { LAYOUT } from '../../base/layout.js';
import { readState } from '../../base/read.js';

export interface GcResult {
  removedBlobs: number;
  removedBytes: number;
  removedKeys: number;
}


export function blobPath(root: string, sha256: string): string {
  if (!SHA256_RE.test(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256)}`);
  return join(root, LAYOUT.cache, 'blobs', sha256.slice(0, 2), sha256);
}

function keyPath(root: string, key: string): string {
  if (!KEY_RE.test(key)) throw new Error(`not a node key: ${JSON.stringify(key)}`);
  return join(root, LAYOUT.cache, 'keys', `${key}.json`);
}

export async function hasBlob(root: string, sha256: string): Promise<boolean> {
  try {
    await access(blobPath(root, sha256));
    return true;
  } catch {
    return false;
  }
}

/**
 * Stores a file (absolute path) or buffer and returns its sha256. Hashes while copying, so a
 * given `sha256` is checked, not trusted; when given and already stored, nothing is read.
 */
export async function putBlob(root: string, src: string | Buffer, sha256?: string): Promise<string> {
  if (sha256 && (await hasBlob(root, sha256))) return sha256;
  const staging = join(root, LAYOUT.cache, 'blobs', 'incoming');
  await makeFolder(root, staging);
  const tmp = tempPathFor(join(staging, 'blob'));
  const h = createHash('sha256');
  try {
    const source = typeof src === 'string' ? createReadStream(src) : Readable.from([src]);
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const c of chunks) {
          h.update(c);
          yield c;
        }
      },
      createWriteStream(tmp, { flags: 'wx' }),
    );
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const actual = h.digest('hex');
  if (sha256 && sha256 !== actual) {
    await rm(tmp, { force: true });
    throw new Error(`content changed while caching ${typeof src === 'string' ? src : 'buffer'}: expected sha256 ${sha256}, got ${actual}`);
  }
  if (await hasBlob(root, actual)) {
    await rm(tmp, { force: true });
    return actual;
  }
  const dest = blobPath(root, actual);
  await commitTemp(tmp, dest, { inside: root });
  return actual;
}

/** Copies a blob out to a workspace path atomically. */
export async function restoreBlob(root: string, sha256: string, destAbsPath: string): Promise<void> {
  await copyFileAtomic(blobPath(root, sha256), destAbsPath, { inside: root });
}

export async function putKeyRecord(root: string, rec: NodeRecord): Promise<void> {
  await writeFileAtomic(keyPath(root, rec.key), serializeRecord(rec), { inside: root });
}

/** The record stored for a key, only when every output it lists is in the cache. */
export async function getKeyRecord(root: string, key: string): Promise<NodeRecord | undefined> {
  const file = keyPath(root, key);
  let text: string;
  try {
    text = await readState(file, 'keyRecord');
  } catch {
    return undefined;
  }
  const rec = parseRecord(text);
  if (!rec || rec.key !== key) return undefined;
  const present = await Promise.all(rec.outputs.map((o) => hasBlob(root, o.sha256)));
  return present.every(Boolean) ? rec : undefined;
}

/** Every key record whose outputs are all in the cache: each generation the cache can restore. */
export async function listKeyRecords(root: string): Promise<NodeRecord[]> {
  const names = (await list(join(root, LAYOUT.cache, 'keys'))).filter((n) => n.endsWith('.json') && KEY_RE.test(n.slice(0, -5)));
  const recs = await Promise.all(names.map((n) => getKeyRecord(root, n.slice(0, -5))));
  return recs.filter((r): r is NodeRecord => r !== undefined);
}

/**
 * Drops key records not in keepKeys and blobs neither in keepSha256s nor listed by a kept key.
 * `dryRun`: counts what would go and removes nothing.
 */
export async function gc(root: string, keepSha256s: Set<string>, keepKeys: Set<string>, opts: { dryRun?: boolean } = {}): Promise<GcResult> {
  const remove = (file: string) => (opts.dryRun ? Promise.resolve() : rm(file, { force: true }));
  const cache = join(root, LAYOUT.cache);
  const keysDir = join(cache, 'keys');
  // Nothing is deleted through a folder that leads out (`keys` or a blob folder linked elsewhere).
  checkFolder(root, keysDir);
  const keep = new Set(keepSha256s);
  let removedKeys = 0;
  for (const name of await list(keysDir)) {
    if (!name.endsWith('.json')) continue;
    const key = name.slice(0, -5);
    const rec = keepKeys.has(key) ? parseRecord(await readState(join(keysDir, name), 'keyRecord').catch(() => '')) : undefined;
    if (rec) {
      for (const o of rec.outputs) keep.add(o.sha256);
    } else {
      await remove(join(keysDir, name));
      removedKeys++;
    }
  }
  let removedBlobs = 0;
  let removedBytes = 0;
  const blobsDir = join(cache, 'blobs');
  checkFolder(root, blobsDir);
  for (const prefix of await list(blobsDir)) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    checkFolder(root, join(blobsDir, prefix));
    for (const name of await list(join(blobsDir, prefix))) {
      if (keep.has(name)) continue;
      const file = join(blobsDir, prefix, name);
      const size = await stat(file).then((s) => s.size, () => 0);
      await remove(file);
      removedBlobs++;
      removedBytes += size;
    }
  }
  if (!opts.dryRun) await removeStaleTemps(cache, { recursive: true });
  return { removedBlobs, removedBytes, removedKeys };
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    // Missing, or something not a folder where one belongs: nothing aivp stored there.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}
