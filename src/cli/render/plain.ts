// Plain lines for logs and pipes: one line per thing that happened, no cursor movement.
import type { BuildListener, BuildSummary } from '../../engine/events.js';
import type { PlanEntry } from '../../engine/plan-types.js';
import { formatBytes, formatUsd, totalEstimate } from '../format.js';

export function plainRenderer(write: (line: string) => void = (l) => process.stderr.write(l)): BuildListener {
  const out = (s: string) => write(`${s}\n`);
  return (e) => {
    switch (e.type) {
      case 'node:start':
        out(`start    ${e.node} (${e.model}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''})`);
        break;
      case 'node:progress':
        if (e.progress.state === 'queued' && e.progress.queuePosition !== undefined) out(`queued   ${e.node} (position ${e.progress.queuePosition})`);
        break;
      case 'node:retry':
        out(`retry    ${e.node} in ${(e.delayMs / 1000).toFixed(1)} s: ${e.error}`);
        break;
      case 'node:fallback':
        out(`fallback ${e.node}: ${e.from} failed (${e.error}); trying ${e.to}`);
        break;
      case 'node:done':
        if (e.outcome !== 'uptodate') {
          const what = e.outcome === 'built' ? 'built   ' : 'cached  ';
          const detail = e.outcome === 'built' ? ` (${(e.durationMs / 1000).toFixed(1)} s, ${formatUsd(e.costUsd)})` : e.from === 'team' ? ' (from team cache)' : '';
          out(`${what} ${e.node} -> ${e.outputs.join(', ')}${detail}`);
        }
        break;
      case 'node:failed':
        out(`FAILED   ${e.node}: ${e.error}`);
        break;
      case 'node:skipped':
        out(`skipped  ${e.node}: ${e.reason}`);
        break;
      case 'warning':
        out(`warning  ${e.node ? `${e.node}: ` : ''}${e.message}`);
        break;
      case 'build:done':
        out(summaryLine(e.summary));
        break;
      case 'plan':
        out(planLine(e.entries, e.estimateUsd));
        break;
    }
  };
}

export function planLine(entries: PlanEntry[], estimateUsd: number): string {
  const count = (...s: string[]) => entries.filter((x) => s.includes(x.status)).length;
  return `Plan: ${count('new', 'stale')} to generate (estimated ${totalEstimate(entries, estimateUsd)}), ${count('cached')} from cache, ${count('uptodate', 'modified')} up to date`;
}

export function summaryLine(s: BuildSummary): string {
  const parts = [`${s.built} built`, `${s.cached} from cache`, `${s.uptodate} up to date`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  const team = s.team ? `; team cache: ${teamLine(s.team)}` : '';
  return `${s.interrupted ? 'Interrupted: ' : 'Done: '}${parts.join(', ')}; spent ${formatUsd(s.spentUsd)} in ${(s.durationMs / 1000).toFixed(1)} s${team}`;
}

function teamLine(t: NonNullable<BuildSummary['team']>): string {
  return `${t.restored} restored (${formatBytes(t.downloadedBytes)} down), ${t.uploaded} uploaded (${formatBytes(t.uploadedBytes)} up)`;
}
