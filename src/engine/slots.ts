// Requests in flight per provider. One build owns its slots; watch shares one set across its
// rebuilds, so a superseded request still finishing into the cache keeps counting against
// `concurrency` while the next build runs.
import type { ProviderId } from '../providers/types.js';

export class ProviderSlots {
  private readonly busy = new Map<ProviderId, number>();
  private waiters: (() => void)[] = [];

  inUse(p: ProviderId): number {
    return this.busy.get(p) ?? 0;
  }

  take(p: ProviderId): void {
    this.busy.set(p, this.inUse(p) + 1);
  }

  give(p: ProviderId): void {
    this.busy.set(p, this.inUse(p) - 1);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves at the next give(), wherever it comes from. */
  freed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
