// What the store answered with bad data this build: keys whose stored record pointed at bad bytes,
// and those bytes. They are refused (a miss), and replaced by the next upload.
import type { NodeRecord } from '../engine/record-types.js';
import type { Breaker } from './team-breaker.js';

export class Quarantine {
  /** Which key a blob was looked up for, so a bad blob marks its record as broken. */
  private readonly keyOfBlob = new Map<string, string>();
  private readonly brokenKeys = new Set<string>();
  private readonly badBlobs = new Set<string>();

  constructor(
    private readonly url: string,
    private readonly breaker: Breaker,
  ) {}

  /** A record lookup() returned: its blobs are traced back to its key. */
  found(rec: NodeRecord): void {
    for (const o of rec.outputs) this.keyOfBlob.set(o.sha256, rec.key);
  }

  refuseRecord(key: string, what: string): void {
    this.brokenKeys.add(key);
    this.refused(what);
  }

  /** A bad blob breaks the record it was looked up for too. */
  refuseBlob(sha256: string, what: string): void {
    const key = this.keyOfBlob.get(sha256);
    if (key) this.brokenKeys.add(key);
    this.badBlobs.add(sha256);
    this.refused(what);
  }

  isBroken(key: string): boolean {
    return this.brokenKeys.has(key);
  }

  isBadBlob(sha256: string): boolean {
    return this.badBlobs.has(sha256);
  }

  replacedBlob(sha256: string): void {
    this.badBlobs.delete(sha256);
  }

  replacedRecord(key: string): void {
    this.brokenKeys.delete(key);
  }

  private refused(what: string): void {
    this.breaker.say(`team cache ${this.url}: ${what}: refused (it will be regenerated and replaced)`);
  }
}
