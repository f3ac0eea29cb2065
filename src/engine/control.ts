// Steering a running build from outside (watch mode): stop starting new work, and supersede a
// node whose key changed while it was in flight.
import type { Progress } from '../providers/types.js';

export interface InflightNode {
  /** The node key this generation was started for. */
  key: string;
  /** `storing`: the result is in hand and being written; too late to supersede. */
  state: Progress['state'] | 'starting' | 'storing';
  controller: AbortController;
  /** Running at the provider when superseded: it is paid anyway, so it finishes into the cache only. */
  detached: boolean;
  /** Still queued when superseded: the request was cancelled. */
  cancelled: boolean;
  /** Resolves when the node is detached: the build stops waiting for it. */
  whenDetached: Promise<void>;
  onDetach(): void;
}

export type SupersedeOutcome = 'cancelled' | 'detached' | 'not-running';

export class BuildControl {
  draining = false;
  /** Filled by the executor while nodes are generating. */
  readonly inflight = new Map<string, InflightNode>();
  /** Detached generations still finishing into the content cache. */
  readonly detachedWork = new Set<Promise<unknown>>();
  /** What detached generations cost: paid, though no record of this build shows it. */
  detachedSpentUsd = 0;

  /** Start nothing new; what is running finishes. */
  drain(): void {
    this.draining = true;
  }

  supersede(node: string): SupersedeOutcome {
    const n = this.inflight.get(node);
    if (!n || n.state === 'storing') return 'not-running';
    if (n.state === 'running' || n.state === 'downloading') {
      n.detached = true;
      n.onDetach();
      return 'detached';
    }
    n.cancelled = true;
    n.controller.abort();
    return 'cancelled';
  }

  /** Waits for detached generations to land in the cache (or fail). */
  async settled(): Promise<void> {
    while (this.detachedWork.size) await Promise.allSettled([...this.detachedWork]);
  }
}

export function inflightNode(key: string): InflightNode {
  let onDetach = () => {};
  const whenDetached = new Promise<void>((resolve) => (onDetach = resolve));
  return { key, state: 'starting', controller: new AbortController(), detached: false, cancelled: false, whenDetached, onDetach };
}
