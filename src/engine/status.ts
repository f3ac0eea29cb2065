// What a build reports, in Ninja's sense of Status: each node outcome becomes one event and one
// count in the summary, so the executor never touches either directly.
import type { BuildListener, BuildSummary } from './events.js';
import type { NodeRecord } from './record-types.js';
import type { TeamCacheStats } from './team.js';

export class BuildStatus {
  private readonly started = Date.now();
  private readonly summary: BuildSummary = {
    built: 0, cached: 0, uptodate: 0, failed: 0, skipped: 0, spentUsd: 0, durationMs: 0, interrupted: false,
  };

  private teamRestored = 0;

  constructor(readonly emit: BuildListener) {}

  get interrupted(): boolean {
    return this.summary.interrupted;
  }

  markInterrupted(): void {
    this.summary.interrupted = true;
  }

  upToDate(node: string): void {
    this.summary.uptodate++;
    this.emit({ type: 'node:done', node, outcome: 'uptodate', costUsd: 0, durationMs: 0, outputs: [] });
  }

  restored(node: string, rec: NodeRecord, durationMs: number, fromTeam: boolean): void {
    this.summary.cached++;
    if (fromTeam) this.teamRestored++;
    const from = fromTeam ? ('team' as const) : undefined;
    this.emit({ type: 'node:done', node, outcome: 'cached', costUsd: 0, durationMs, outputs: rec.outputs.map((o) => o.path), from });
  }

  built(node: string, rec: NodeRecord): void {
    this.summary.built++;
    this.summary.spentUsd += rec.costUsd;
    this.emit({ type: 'node:done', node, outcome: 'built', costUsd: rec.costUsd, durationMs: rec.durationMs, outputs: rec.outputs.map((o) => o.path) });
  }

  failed(node: string, error: string): void {
    this.summary.failed++;
    this.emit({ type: 'node:failed', node, error });
  }

  /** `counted: false` for a node that started and was superseded (watch moved on; not a skip of the plan). */
  skipped(node: string, reason: string, counted = true): void {
    if (counted) this.summary.skipped++;
    this.emit({ type: 'node:skipped', node, reason });
  }

  /** The final summary, also sent as `build:done`; with a team cache, what it restored and moved. */
  done(team?: TeamCacheStats): BuildSummary {
    const summary: BuildSummary = { ...this.summary, spentUsd: Math.round(this.summary.spentUsd * 10_000) / 10_000, durationMs: Date.now() - this.started };
    if (team) summary.team = { ...team, restored: this.teamRestored };
    this.emit({ type: 'build:done', summary });
    return summary;
  }
}
