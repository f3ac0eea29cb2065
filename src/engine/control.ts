// Steering a running build from outside (watch mode): stop starting new work, and supersede a
// node whose key changed while it was in flight.
import type { Progress } from '../providers/types.js';

export interface InflightNode {
  /** The node key this generation was started for. */
  key: string;
  state: Progress['state'] | 'starting';
  controller: AbortController;
  /** Running at the provider when superseded: it is paid anyway, so it finishes into the cache only. */
  detached: boolean;
  /** Still queued when superseded: the request was cancelled. */
  cancelled: boolean;
}

export type SupersedeOutcome = 'cancelled' | 'detached' | 'not-running';

export class BuildControl {
  draining = false;
  /** Filled by the executor while nodes are generating. */
  readonly inflight = new Map<string, InflightNode>();

  /** Start nothing new; what is running finishes. */
  drain(): void {
    this.draining = true;
  }

  supersede(node: string): SupersedeOutcome {
    const n = this.inflight.get(node);
    if (!n) return 'not-running';
    if (n.state === 'running' || n.state === 'downloading') {
      n.detached = true;
      return 'detached';
    }
    n.cancelled = true;
    n.controller.abort();
    return 'cancelled';
  }
}
