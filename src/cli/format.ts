// Text shared by the commands' human output.
import { formatUsd } from '../base/money.js';
import type { BuildPlan } from '../engine/plan.js';
import type { PlanEntry } from '../engine/plan-types.js';

export { formatUsd };

export function formatBytes(n: number): string {
  return n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(1)} MB`;
}

const LABEL: Record<string, string> = {
  new: 'new', stale: 'stale', uptodate: 'up to date', cached: 'from cache', modified: 'modified', source: 'source',
};

/** Cost column: unknown prices are said so, never shown as $0. */
export function formatEstimate(usd: number | null): string {
  return usd === null ? 'unknown' : usd ? formatUsd(usd) : '';
}

export function formatPlan(plan: BuildPlan): string {
  const width = Math.max(4, ...plan.entries.map((e) => e.node.length));
  const modelWidth = Math.max(5, ...plan.entries.map((e) => e.model.length));
  const row = (status: string, node: string, model: string, cost: string, why: string) =>
    `  ${status.padEnd(10)} ${node.padEnd(width)}  ${model.padEnd(modelWidth)} ${cost.padStart(8)}${why ? `  ${why}` : ''}`;
  const lines = [row('STATUS', 'NODE', 'MODEL', 'ESTIMATE', 'WHY')];
  for (const e of plan.entries) lines.push(row(LABEL[e.status], e.node, e.model, formatEstimate(e.estimateUsd), e.reasons.join('; ')));
  const toRun = plan.entries.filter((e) => e.status === 'new' || e.status === 'stale').length;
  const cached = plan.entries.filter((e) => e.status === 'cached').length;
  lines.push('');
  lines.push(`${toRun} to generate, ${cached} from cache; estimated cost ${totalEstimate(plan.entries, plan.estimateUsd)}`);
  for (const { node, model } of plan.unpriced) lines.push(`no price known for ${node} (\`${model}\`): add it under \`prices:\``);
  return lines.join('\n');
}

/** A plan's total: the known sum, plus "unknown" when some node has no price. */
export function totalEstimate(entries: PlanEntry[], estimateUsd: number): string {
  return `${formatUsd(estimateUsd)}${entries.some((e) => e.estimateUsd === null) ? ' + unknown' : ''}`;
}
