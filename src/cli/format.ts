// Text shared by the commands' human output.
import type { BuildPlan } from '../engine/plan.js';

export function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd !== 0 && usd < 0.01 ? 4 : 2)}`;
}

const LABEL: Record<string, string> = {
  new: 'new', stale: 'stale', uptodate: 'up to date', cached: 'from cache', modified: 'modified', source: 'source', blocked: 'blocked',
};

export function formatPlan(plan: BuildPlan): string {
  const width = Math.max(4, ...plan.entries.map((e) => e.node.length));
  const modelWidth = Math.max(5, ...plan.entries.map((e) => e.model.length));
  const lines = plan.entries.map((e) => {
    const cost = e.estimateUsd ? formatUsd(e.estimateUsd) : '';
    const why = e.reasons.length ? `  ${e.reasons.join('; ')}` : '';
    return `  ${LABEL[e.status].padEnd(10)} ${e.node.padEnd(width)}  ${e.model.padEnd(modelWidth)} ${cost.padStart(8)}${why}`;
  });
  const toRun = plan.entries.filter((e) => e.status === 'new' || e.status === 'stale').length;
  const cached = plan.entries.filter((e) => e.status === 'cached').length;
  lines.push('');
  lines.push(`${toRun} to generate, ${cached} from cache; estimated cost ${formatUsd(plan.estimateUsd)}`);
  if (plan.unpriced.length) lines.push(`no price known for: ${plan.unpriced.join(', ')} (add them under prices:)`);
  return lines.join('\n');
}
