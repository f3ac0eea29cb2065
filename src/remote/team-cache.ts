// The team cache for one build, over a RemoteStore: lookups memoised per key, downloads re-hashed
// before they reach the local content cache, uploads queued off the critical path, and a circuit
// breaker: the first failure of the store (unreachable, refused, timed out) gives the build's one
// warning and turns the team cache off for the rest of the build.
import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import type { NodeRecord, OutputFile } from '../engine/record-types.js';
import { blobPath, hasBlob, putBlob } from '../engine/store/content-cache.js';
import type { TeamCache, TeamCacheStats } from '../engine/team.js';
import { sha256Bytes } from '../media/hash.js';
import { probeMedia } from '../media/probe.js';
import { checkManifest, manifestOf } from './manifest.js';
import { BadObject, RemoteError, type RemoteStore } from './s3-store.js';

export interface TeamCacheOptions {
  /** Project root: where the local content cache is. */
  root: string;
  /** Requests in flight at once (lookups, downloads and uploads together). */
  concurrency?: number;
  /** How long the end of a build waits for queued uploads. */
  settleMs?: number;
}

/** Enough to keep a link busy without flooding a small MinIO. */
const CONCURRENCY = 8;
/** Uploads still running after this are abandoned with a warning; `aivp cache push` resends them. */
const SETTLE_MS = 60_000;

export interface RemoteTeamCache extends TeamCache {
  /** True once the store failed: local-only for the rest of this build. */
  readonly off: boolean;
  /** For `aivp cache push`: uploads a record whose outputs may live in the workspace only (`files`: sha256 -> path); false when not sent. */
  publishFrom(rec: NodeRecord, files: Map<string, string>): Promise<boolean>;
}

export function createTeamCache(store: RemoteStore, opts: TeamCacheOptions): RemoteTeamCache {
  const { root } = opts;
  const limit = pLimit(opts.concurrency ?? CONCURRENCY);
  const lookups = new Map<string, Promise<NodeRecord | undefined>>();
  const blobs = new Map<string, Promise<boolean>>();
  const owned = new WeakSet<NodeRecord>();
  /** Which key a blob was looked up for, so a bad blob marks its record as broken. */
  const keyOfBlob = new Map<string, string>();
  /** Keys whose stored record pointed at bad bytes, and those bytes: refused, and replaced by the next upload. */
  const broken = new Set<string>();
  const badBlobs = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  const stats: TeamCacheStats = { url: store.url, uploaded: 0, uploadedBytes: 0, downloadedBytes: 0 };
  let off = false;
  let warned = false;
  let held: string | undefined;
  let warn: ((message: string) => void) | undefined;

  const say = (message: string) => {
    if (warned) return;
    warned = true;
    if (warn) warn(message);
    else held = message;
  };
  /** The store failed: one warning, then local-only. */
  const down = (err: unknown) => {
    if (!off) say(`team cache ${store.url} unavailable (${(err as Error).message}): building with the local cache only`);
    off = true;
  };
  /** The store answered with bad data: this key is a miss (and is repaired by the next upload). */
  const corrupt = (key: string | undefined, what: string, sha256?: string) => {
    if (key) broken.add(key);
    if (sha256) badBlobs.add(sha256);
    say(`team cache ${store.url}: ${what}: refused (it will be regenerated and replaced)`);
  };
  /** A remote call that never throws: a failure turns the team cache off. */
  const guarded = async <T>(fn: () => Promise<T>, fallback: T): Promise<T> => {
    if (off) return fallback;
    try {
      return await limit(async () => (off ? fallback : fn()));
    } catch (err) {
      if (!(err instanceof RemoteError)) throw err;
      down(err);
      return fallback;
    }
  };

  const lookupOnce = async (key: string): Promise<NodeRecord | undefined> => {
    const text = await guarded(() => store.getManifest(key), undefined);
    if (text === undefined) return undefined;
    const checked = checkManifest(text, key);
    if (typeof checked === 'string') {
      corrupt(key, `keys/${key}.json ${checked}`);
      return undefined;
    }
    owned.add(checked);
    for (const o of checked.outputs) keyOfBlob.set(o.sha256, key);
    return checked;
  };

  const fetchOnce = async (o: OutputFile): Promise<boolean> => {
    if (await hasBlob(root, o.sha256)) return true;
    let bytes: Buffer | undefined;
    try {
      bytes = await guarded(() => store.getBlob(o.sha256, o.bytes), undefined);
    } catch (err) {
      if (!(err instanceof BadObject)) throw err;
      corrupt(keyOfBlob.get(o.sha256), err.message, o.sha256);
      return false;
    }
    if (off) return false;
    if (bytes === undefined) {
      corrupt(keyOfBlob.get(o.sha256), `blobs/${o.sha256} is missing`, o.sha256);
      return false;
    }
    stats.downloadedBytes += bytes.length;
    const actual = sha256Bytes(bytes);
    if (actual !== o.sha256) {
      corrupt(keyOfBlob.get(o.sha256), `blobs/${o.sha256} does not match its hash (got ${actual})`, o.sha256);
      return false;
    }
    const media = await probeMedia(bytes).catch(() => undefined);
    if (media?.mediaType !== o.mediaType) {
      corrupt(keyOfBlob.get(o.sha256), `blobs/${o.sha256} is not the ${o.mediaType} its record says`, o.sha256);
      return false;
    }
    await putBlob(root, bytes, o.sha256);
    return true;
  };

  /** Blobs the remote lacks, then the record: a record never points at bytes not yet there. */
  const upload = async (rec: NodeRecord, files: Map<string, string>): Promise<boolean> => {
    for (const o of rec.outputs) {
      const there = !badBlobs.has(o.sha256) && (await guarded(() => store.hasBlob(o.sha256), false));
      if (off) return false;
      if (there) continue;
      const bytes = await readFile(files.get(o.sha256) ?? blobPath(root, o.sha256));
      // What leaves this machine is checked too: a damaged local cache must not spread.
      if (sha256Bytes(bytes) !== o.sha256) {
        say(`${rec.node} not uploaded to the team cache: its local copy of ${o.sha256} is damaged`);
        return false;
      }
      await guarded(() => store.putBlob(o.sha256, bytes), undefined);
      if (off) return false;
      badBlobs.delete(o.sha256);
      stats.uploadedBytes += bytes.length;
    }
    const written = await guarded(() => store.putManifest(rec.key, manifestOf(rec), { overwrite: broken.has(rec.key) }), 'exists' as const);
    if (off) return false;
    if (written === 'written') stats.uploaded++;
    broken.delete(rec.key);
    return true;
  };

  const track = <T>(work: Promise<T>): Promise<T> => {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => undefined);
    return work;
  };

  return {
    url: store.url,
    get off() {
      return off;
    },
    lookup(key) {
      if (off || broken.has(key)) return Promise.resolve(undefined);
      let l = lookups.get(key);
      if (!l) lookups.set(key, (l = lookupOnce(key)));
      return l.then((rec) => (off || broken.has(key) ? undefined : rec));
    },
    owns: (rec) => owned.has(rec),
    fetchBlob(o) {
      if (off) return Promise.resolve(false);
      let f = blobs.get(o.sha256);
      if (!f) blobs.set(o.sha256, (f = fetchOnce(o)));
      return f;
    },
    publish(rec) {
      if (off || rec.provider === 'draft') return;
      track(upload(rec, new Map()).catch((err: unknown) => say(`team cache ${store.url}: upload of ${rec.node} failed: ${(err as Error).message}`)));
    },
    publishFrom: (rec, files) => track(upload(rec, files)),
    async settle() {
      const deadline = new Promise<'late'>((resolve) => setTimeout(resolve, opts.settleMs ?? SETTLE_MS, 'late').unref());
      while (pending.size) {
        if ((await Promise.race([Promise.allSettled([...pending]), deadline])) === 'late') {
          say(`team cache ${store.url}: ${pending.size} upload(s) still running after ${(opts.settleMs ?? SETTLE_MS) / 1000} s were abandoned (\`aivp cache push\` sends them)`);
          return;
        }
      }
    },
    attach(listener) {
      warn = listener;
      if (held !== undefined) listener(held);
      held = undefined;
    },
    stats: () => ({ ...stats }),
  };
}
