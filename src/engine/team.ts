// The team cache as the engine sees it: one more place to find a node key's outputs, after the
// workspace and the local content cache and before the provider, and the place every paid
// generation is offered to. The engine knows nothing of S3; src/remote/ implements this.
import type { NodeRecord, OutputFile } from './record-types.js';

export interface TeamCacheStats {
  /** The team cache's location, for messages. */
  url: string;
  uploaded: number;
  uploadedBytes: number;
  downloadedBytes: number;
}

export interface TeamCache {
  readonly url: string;
  /** The record stored for a node key, checked; undefined on a miss or once the team cache is off. */
  lookup(key: string): Promise<NodeRecord | undefined>;
  /** True for a record that lookup() returned (restoring it needs its blobs from the team cache). */
  owns(rec: NodeRecord): boolean;
  /** Brings an output's bytes into the local content cache, re-hashed; false when they are not to be had. */
  fetchBlob(output: OutputFile): Promise<boolean>;
  /** Queues the upload of a generation (blobs the remote lacks, then its record); never waits for it. */
  publish(rec: NodeRecord): void;
  /** Waits for queued uploads, within a bound; they are abandoned after it (`aivp cache push` resends). */
  settle(): Promise<void>;
  /**
   * Where warnings go; one raised earlier (while planning) is delivered on attach. Once `signal`
   * (the build's) aborts, every transfer in flight stops and the team cache is off.
   */
  attach(warn: (message: string) => void, signal?: AbortSignal): void;
  stats(): TeamCacheStats;
}
