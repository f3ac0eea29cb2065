// Where aivp keeps its state, relative to the project root: every path under `.aivp/` and the
// records under the metadata folder are named here, so what aivp writes is one list to check.
import { join, resolve } from 'node:path';

/** aivp's own folder: caches, logs, the lock; never committed (`aivp init` ignores it). */
export const STATE_DIR = '.aivp';

export const LAYOUT = {
  /** Outputs by content hash, and the keys that name them. */
  cache: join(STATE_DIR, 'cache'),
  /** Requests submitted and not yet landed, so an interrupted build re-attaches. */
  inflight: join(STATE_DIR, 'inflight'),
  /** Hashes of source and output files by their stat. */
  statCache: join(STATE_DIR, 'stat-cache.json'),
  /** The failures of the last build, shown by the gallery until a later build succeeds. */
  failures: join(STATE_DIR, 'failures.json'),
  /** One build at a time. */
  lock: join(STATE_DIR, 'lock'),
  /** fal's uploaded inputs by content hash, with their expiry. */
  uploads: join(STATE_DIR, 'uploads.json'),
  /** The no-op fast path's answer and the stamps it depends on. */
  fastPath: join(STATE_DIR, 'noop.state'),
  /** The storyboard (`aivp gallery`, `watch --serve`). */
  gallery: join(STATE_DIR, 'gallery'),
} as const;

/** Every folder under `.aivp/` aivp writes or deletes in: refused at load, and where opened, when one leads out. */
export const STATE_FOLDERS = [
  STATE_DIR,
  LAYOUT.cache,
  join(LAYOUT.cache, 'keys'),
  join(LAYOUT.cache, 'blobs'),
  join(LAYOUT.cache, 'blobs', 'incoming'),
  LAYOUT.inflight,
  LAYOUT.gallery,
] as const;

/** A node's record, `<metadata>/<node>.json` (`paths.metadata`, `metadata` by default); absolute. */
export function recordPath(root: string, metadataDir: string, node: string): string {
  if (!node || node === '.' || node === '..' || /[/\\\0]/.test(node)) {
    throw new Error(`invalid node name for a record file: ${JSON.stringify(node)}`);
  }
  return join(resolve(root, metadataDir), `${node}.json`);
}
