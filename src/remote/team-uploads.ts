// Uploads to the team cache, queued off the critical path of the build; the end of the build waits
// for them within a bound, then abandons the rest with a warning (`aivp cache push` resends them).
import { readFile } from 'node:fs/promises';
import type { NodeRecord } from '../engine/record-types.js';
import { blobPath } from '../engine/store/content-cache.js';
import { sha256Bytes } from '../media/hash.js';
import { manifestOf } from './manifest.js';
import type { RemoteStore } from './s3-store.js';
import type { Breaker } from './team-breaker.js';
import type { Quarantine } from './team-quarantine.js';

export class UploadQueue {
  private readonly pending = new Set<Promise<unknown>>();
  uploaded = 0;
  uploadedBytes = 0;

  constructor(
    private readonly root: string,
    private readonly store: RemoteStore,
    private readonly breaker: Breaker,
    private readonly quarantine: Quarantine,
    private readonly settleMs: number,
  ) {}

  publish(rec: NodeRecord): void {
    if (this.breaker.off || rec.provider === 'draft') return;
    this.track(this.upload(rec, new Map()).catch((err: unknown) => this.breaker.say(`team cache ${this.store.url}: upload of ${rec.node} failed: ${(err as Error).message}`)));
  }

  /** `files`: sha256 -> path, for outputs that may live in the workspace only. */
  publishFrom(rec: NodeRecord, files: Map<string, string>): Promise<boolean> {
    return this.track(this.upload(rec, files));
  }

  async settle(): Promise<void> {
    const deadline = new Promise<'late'>((resolve) => setTimeout(resolve, this.settleMs, 'late').unref());
    while (this.pending.size) {
      if ((await Promise.race([Promise.allSettled([...this.pending]), deadline])) === 'late') {
        this.breaker.say(`team cache ${this.store.url}: ${this.pending.size} upload(s) still running after ${this.settleMs / 1000} s were abandoned (\`aivp cache push\` sends them)`);
        return;
      }
    }
  }

  /** Blobs the remote lacks, then the record: a record never points at bytes not yet there. */
  private async upload(rec: NodeRecord, files: Map<string, string>): Promise<boolean> {
    const { breaker, store, quarantine } = this;
    for (const o of rec.outputs) {
      const there = !quarantine.isBadBlob(o.sha256) && (await breaker.call((signal) => store.hasBlob(o.sha256, signal), false));
      if (breaker.off) return false;
      if (there) continue;
      const bytes = await readFile(files.get(o.sha256) ?? blobPath(this.root, o.sha256));
      // What leaves this machine is checked too: a damaged local cache must not spread.
      if (sha256Bytes(bytes) !== o.sha256) {
        breaker.say(`${rec.node} not uploaded to the team cache: its local copy of ${o.sha256} is damaged`);
        return false;
      }
      await breaker.call((signal) => store.putBlob(o.sha256, bytes, signal), undefined);
      if (breaker.off) return false;
      quarantine.replacedBlob(o.sha256);
      this.uploadedBytes += bytes.length;
    }
    const written = await breaker.call((signal) => store.putManifest(rec.key, manifestOf(rec), { overwrite: quarantine.isBroken(rec.key), signal }), 'exists' as const);
    if (breaker.off) return false;
    if (written === 'written') this.uploaded++;
    quarantine.replacedRecord(rec.key);
    return true;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }
}
