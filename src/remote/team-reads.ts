// Reading from the team cache, each memoised for the build and checked before use: a node key's
// record (lookups), and an output's bytes, re-hashed and probed before they reach the local
// content cache (blob fetches).
import type { NodeRecord, OutputFile } from '../engine/record-types.js';
import { hasBlob, putBlob } from '../engine/store/content-cache.js';
import { sha256Bytes } from '../media/hash.js';
import { probeMedia } from '../media/probe.js';
import { checkManifest } from './manifest.js';
import { BadObject, type RemoteStore } from './s3-store.js';
import type { Breaker } from './team-breaker.js';
import type { Quarantine } from './team-quarantine.js';

export class RecordLookups {
  private readonly lookups = new Map<string, Promise<NodeRecord | undefined>>();
  private readonly owned = new WeakSet<NodeRecord>();

  constructor(
    private readonly store: RemoteStore,
    private readonly breaker: Breaker,
    private readonly quarantine: Quarantine,
  ) {}

  /** A key found broken (or the store gone off) meanwhile is a miss, even for a lookup already made. */
  lookup(key: string): Promise<NodeRecord | undefined> {
    if (this.refuses(key)) return Promise.resolve(undefined);
    let l = this.lookups.get(key);
    if (!l) this.lookups.set(key, (l = this.lookupOnce(key)));
    return l.then((rec) => (this.refuses(key) ? undefined : rec));
  }

  owns(rec: NodeRecord): boolean {
    return this.owned.has(rec);
  }

  private refuses(key: string): boolean {
    return this.breaker.off || this.quarantine.isBroken(key);
  }

  private async lookupOnce(key: string): Promise<NodeRecord | undefined> {
    let text: string | undefined;
    try {
      text = await this.breaker.call((signal) => this.store.getManifest(key, signal), undefined);
    } catch (err) {
      if (!(err instanceof BadObject)) throw err;
      this.quarantine.refuseRecord(key, err.message);
      return undefined;
    }
    if (text === undefined) return undefined;
    const checked = checkManifest(text, key);
    if (typeof checked === 'string') {
      this.quarantine.refuseRecord(key, `keys/${key}.json ${checked}`);
      return undefined;
    }
    this.owned.add(checked);
    this.quarantine.found(checked);
    return checked;
  }
}

export class BlobFetches {
  private readonly fetches = new Map<string, Promise<boolean>>();
  downloadedBytes = 0;

  constructor(
    private readonly root: string,
    private readonly store: RemoteStore,
    private readonly breaker: Breaker,
    private readonly quarantine: Quarantine,
  ) {}

  fetch(o: OutputFile): Promise<boolean> {
    if (this.breaker.off) return Promise.resolve(false);
    let f = this.fetches.get(o.sha256);
    if (!f) this.fetches.set(o.sha256, (f = this.fetchOnce(o)));
    return f;
  }

  private async fetchOnce(o: OutputFile): Promise<boolean> {
    if (await hasBlob(this.root, o.sha256)) return true;
    let bytes: Buffer | undefined;
    try {
      bytes = await this.breaker.call((signal) => this.store.getBlob(o.sha256, o.bytes, signal), undefined);
    } catch (err) {
      if (!(err instanceof BadObject)) throw err;
      this.quarantine.refuseBlob(o.sha256, err.message);
      return false;
    }
    if (this.breaker.off) return false;
    if (bytes === undefined) {
      this.quarantine.refuseBlob(o.sha256, `blobs/${o.sha256} is missing`);
      return false;
    }
    this.downloadedBytes += bytes.length;
    const actual = sha256Bytes(bytes);
    if (actual !== o.sha256) {
      this.quarantine.refuseBlob(o.sha256, `blobs/${o.sha256} does not match its hash (got ${actual})`);
      return false;
    }
    const media = await probeMedia(bytes).catch(() => undefined);
    if (media?.mediaType !== o.mediaType) {
      this.quarantine.refuseBlob(o.sha256, `blobs/${o.sha256} is not the ${o.mediaType} its record says`);
      return false;
    }
    await putBlob(this.root, bytes, o.sha256);
    return true;
  }
}
