// `.aivp/failures.json`: the error of each node whose latest build failed and the model that last
// attempt used (after fallbacks, not the project's), so `aivp gallery` (a separate run) can show
// it as failed rather than merely missing.
import { join } from 'node:path';
import type { BuildEvent } from '../events.js';
import { writeFileAtomic } from '../../base/atomic.js';
import { LAYOUT } from '../../base/layout.js';
import { readState } from '../../base/read.js';


export interface Failure {
  error: string;
  /** The model of the last attempt. */
  model?: string;
}

export async function readFailures(root: string): Promise<Map<string, Failure>> {
  try {
    const data: unknown = JSON.parse(await readState(join(root, LAYOUT.failures), 'failures'));
    if (!data || typeof data !== 'object') return new Map();
    // Only entries shaped like a node and its failure: the file is input, not truth.
    return new Map(Object.entries(data).flatMap(([node, f]): [string, Failure][] => (isFailure(f) && /^[^/\\\0]+$/.test(node) && node !== '..' ? [[node, { error: f.error, model: f.model }]] : [])));
  } catch {
    // Missing or corrupt: no failures to show.
    return new Map();
  }
}

function isFailure(f: unknown): f is Failure {
  if (!f || typeof f !== 'object') return false;
  const { error, model } = f as Record<string, unknown>;
  return typeof error === 'string' && (model === undefined || typeof model === 'string');
}

/** Adds this build's failures and forgets nodes it built or restored. */
export async function updateFailures(root: string, failed: Map<string, Failure>, done: Iterable<string>): Promise<void> {
  const all = await readFailures(root);
  for (const n of done) all.delete(n);
  for (const [n, f] of failed) all.set(n, f);
  await writeFileAtomic(join(root, LAYOUT.failures), `${JSON.stringify(Object.fromEntries(all), null, 2)}\n`, { inside: root });
}

/** Follows build events: each failed node with its error and the model of its last attempt. */
export function failureTracker(): { failed: Map<string, Failure>; done: Set<string>; see(e: BuildEvent): void } {
  const failed = new Map<string, Failure>();
  const done = new Set<string>();
  const attempted = new Map<string, string>();
  return {
    failed,
    done,
    see(e) {
      if (e.type === 'node:start') attempted.set(e.node, e.model);
      if (e.type === 'node:failed') failed.set(e.node, { error: e.error, model: attempted.get(e.node) });
      if (e.type === 'node:done') {
        failed.delete(e.node);
        done.add(e.node);
      }
    },
  };
}
