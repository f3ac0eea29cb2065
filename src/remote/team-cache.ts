// The team cache for one build, over a RemoteStore: lookups memoised per key, downloads re-hashed
// before they reach the local content cache, uploads queued off the critical path, and a circuit
// breaker: the first failure of the store (unreachable, refused, timed out) gives the build's one
// warning and turns the team cache off for the rest of the build. Each of these is a part of its
// own (team-reads, team-uploads, team-breaker, and team-quarantine for bad answers); this file
// puts them together behind the engine's TeamCache.
import type { NodeRecord } from '../engine/record-types.js';
import type { TeamCache } from '../engine/team.js';
import type { RemoteStore } from './s3-store.js';
import { Breaker } from './team-breaker.js';
import { Quarantine } from './team-quarantine.js';
import { BlobFetches, RecordLookups } from './team-reads.js';
import { UploadQueue } from './team-uploads.js';

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
  const breaker = new Breaker(store.url, opts.concurrency ?? CONCURRENCY);
  const quarantine = new Quarantine(store.url, breaker);
  const lookups = new RecordLookups(store, breaker, quarantine);
  const fetches = new BlobFetches(opts.root, store, breaker, quarantine);
  const uploads = new UploadQueue(opts.root, store, breaker, quarantine, opts.settleMs ?? SETTLE_MS);
  return {
    url: store.url,
    get off() {
      return breaker.off;
    },
    lookup: (key) => lookups.lookup(key),
    owns: (rec) => lookups.owns(rec),
    fetchBlob: (o) => fetches.fetch(o),
    publish: (rec) => uploads.publish(rec),
    publishFrom: (rec, files) => uploads.publishFrom(rec, files),
    settle: () => uploads.settle(),
    attach: (listener, signal) => breaker.attach(listener, signal),
    stats: () => ({ url: store.url, uploaded: uploads.uploaded, uploadedBytes: uploads.uploadedBytes, downloadedBytes: fetches.downloadedBytes }),
  };
}
