// What a watch session has to say between builds: what failed last, what was spent.
import type { BuildEvent } from '../engine/events.js';
import { failureTracker } from '../engine/store/failures.js';
import type { Graph } from '../graph/types.js';

export class WatchLedger {
  /** Paid this session, including superseded work that finished into the cache. */
  spentUsd = 0;
  private readonly failures = failureTracker();
  /** Nodes whose last attempt failed, with the error and the model of that attempt. */
  readonly failed = this.failures.failed;

  /** Follows a build's events: a failure is remembered until the node is done. */
  observe(e: BuildEvent): void {
    this.failures.see(e);
  }

  /** Failures of nodes the project no longer has are forgotten. */
  follow(graph: Graph): void {
    for (const f of this.failed.keys()) if (!graph.nodes.has(f)) this.failed.delete(f);
  }

  /** The line printed when the session goes back to waiting. */
  status(what: string): string {
    const failed = this.failed.size ? `failed: ${[...this.failed.keys()].join(', ')}; ` : '';
    return `watch: ${what}; ${failed}spent $${this.spentUsd.toFixed(2)} this session; waiting for changes`;
  }
}
